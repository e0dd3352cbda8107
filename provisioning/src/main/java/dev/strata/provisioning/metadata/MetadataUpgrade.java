package dev.strata.provisioning.metadata;

import dev.strata.provisioning.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * What an upgrade of Strata needs of the metadata, before everything else that reads it:
 * <ul>
 * <li>Strata before version 0.2 kept its default metadata in an H2 file ({@code $STRATA_DATA_DIR/metadata/strata.mv.db}).
 * On the first start with the PostgreSQL metadata server, that file's rows are copied into the (still empty)
 * metadata database, so an upgrade keeps every workspace, key, project, database and bucket; the file is then
 * renamed {@code strata.mv.db.imported-<time>} (mode 0600).</li>
 * <li>Columns that became wider (the schema generation adds tables and columns but never changes one): a
 * {@code storageClass} may have 253 characters.</li>
 * <li>Indexes added to tables that already existed (the schema generation creates indexes with new tables only): those
 * event retention deletes by ({@code ix_event_time}, {@code ix_delivery_created}).</li>
 * </ul>
 */
@Singleton
@Startup
public class MetadataUpgrade {

    private static final Logger LOG = Logger.getLogger(MetadataUpgrade.class.getName());

    @Resource(lookup = "java:app/jdbc/strata")
    DataSource metadata;

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    void upgrade() {
        em.getMetamodel(); // the persistence unit is deployed, so its tables exist
        importLegacy();
        widen("strata_database", "storage_class", 253);
        index("ix_event_time", "strata_event", "occurred_at");
        index("ix_delivery_created", "strata_webhook_delivery", "created_at");
    }

    /** Creates the index unless it exists (names and columns are constants of this class, never input). */
    private void index(String name, String table, String column) {
        try (Connection c = metadata.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX IF NOT EXISTS " + name + " ON " + table + " (" + column + ")");
        } catch (SQLException e) {
            throw new IllegalStateException("creating the index " + name + " on " + table + " failed: " + e.getMessage(), e);
        }
    }

    private void widen(String table, String column, int length) {
        try (Connection c = metadata.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT character_maximum_length FROM information_schema.columns"
                     + " WHERE table_name = ? AND column_name = ? AND table_schema = current_schema()")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) > 0 && rs.getInt(1) < length) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE VARCHAR(" + length + ")");
                    }
                    LOG.info(() -> table + "." + column + " widened to " + length + " characters");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("widening " + table + "." + column + " failed: " + e.getMessage(), e);
        }
    }

    private void importLegacy() {
        Path legacy = Settings.dataDir().resolve("metadata").resolve("strata.mv.db");
        if (!Files.exists(legacy)) {
            return;
        }
        try (Connection target = metadata.getConnection()) {
            LegacyH2Metadata source = new LegacyH2Metadata(legacy);
            if (LegacyH2Metadata.hasWorkspaces(target)) {
                LOG.warning("an H2 metadata file of an earlier Strata is in " + legacy + ", but the metadata database already has "
                        + "workspaces: it was not imported (move it away to silence this warning)");
                return;
            }
            int rows = source.copyInto(target);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        retire(legacy);
                        LOG.warning("imported " + rows + " rows of the earlier H2 metadata " + legacy + " into the metadata database");
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("importing the earlier H2 metadata " + legacy + " failed: " + e.getMessage(), e);
        }
    }

    private static void retire(Path legacy) {
        try {
            Path done = legacy.resolveSibling(legacy.getFileName() + ".imported-" + Instant.now().toString().replace(':', '-'));
            Files.move(legacy, done, StandardCopyOption.ATOMIC_MOVE);
            Files.setPosixFilePermissions(done, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(legacy.getParent(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            LOG.warning("imported " + legacy + " but could not rename it: " + e.getMessage());
        }
    }
}
