package dev.strata.provisioning.driver.local;

import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.secrets.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * One pristine cluster per PostgreSQL major ({@code $STRATA_DATA_DIR/templates/postgresql-<major>/data}), made once
 * with {@code initdb}; each new database's data directory is a copy of it, which takes a fraction of initdb's time.
 * The template's superuser password is a bootstrap password: each copy gets its own as soon as it first starts.
 * Made in a scratch directory renamed into place, so a crash never leaves a half-made template in use.
 */
@ApplicationScoped
public class PostgresTemplates {

    private static final Logger LOG = Logger.getLogger(PostgresTemplates.class.getName());

    @Inject
    StrataConfig config;

    @Inject
    HostAccount account;

    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** A template's data directory and the superuser password every copy starts with. */
    public record Template(Path data, String bootstrapPassword) {
    }

    /** How a fresh cluster is made (initdb) and finished (Strata's pg_hba.conf and settings include). */
    public interface Maker {
        void initdb(Path target, Path passwordFile) throws IOException;

        void finish(Path dataDir) throws IOException;
    }

    /** The template of {@code major}, made now if there is none yet. */
    public Template of(String major, Maker maker) throws IOException {
        synchronized (locks.computeIfAbsent(major, m -> new Object())) {
            Path dir = config.dataDir().resolve("templates").resolve("postgresql-" + major);
            Path data = dir.resolve("data");
            Path password = dir.resolve("bootstrap-password");
            if (Files.exists(data.resolve("PG_VERSION")) && Files.exists(password)) {
                return new Template(data, Files.readString(password).trim());
            }
            long started = System.nanoTime();
            account.ensure();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            account.own(dir);
            InstanceFiles.deleteRecursively(data);
            Path scratch = dir.resolve("data.init");
            InstanceFiles.deleteRecursively(scratch);
            String secret = SecretBox.randomPassword(32);
            Files.deleteIfExists(password);
            Files.createFile(password, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(password, secret + "\n");
            account.own(password);
            maker.initdb(scratch, password);
            maker.finish(scratch);
            CommandResult sync = account.runAsAccount(List.of("sync", "-f", scratch.resolve("PG_VERSION").toString()), Duration.ofMinutes(1));
            if (!sync.ok()) {
                throw new IllegalStateException("sync failed: " + sync.tail());
            }
            Files.move(scratch, data, StandardCopyOption.ATOMIC_MOVE);
            LOG.info(() -> "PostgreSQL " + major + " template made in " + (System.nanoTime() - started) / 1_000_000 + " ms: " + data);
            return new Template(data, secret);
        }
    }

    /** Copies the template to {@code target} (as the account, keeping modes), durably. */
    public void copy(Template template, Path target) throws IOException {
        InstanceFiles.deleteRecursively(target);
        CommandResult cp = account.runAsAccount(List.of("cp", "-a", template.data().toString(), target.toString()), Duration.ofMinutes(2));
        if (!cp.ok()) {
            throw new IllegalStateException("copying the PostgreSQL template failed: " + cp.tail());
        }
        CommandResult sync = account.runAsAccount(List.of("sync", "-f", target.resolve("PG_VERSION").toString()), Duration.ofMinutes(1));
        if (!sync.ok()) {
            throw new IllegalStateException("sync failed: " + sync.tail());
        }
    }
}
