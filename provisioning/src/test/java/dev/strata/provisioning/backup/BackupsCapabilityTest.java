package dev.strata.provisioning.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Database;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.database.InstanceIdentity;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.Slug;
import dev.strata.domain.database.StorageSize;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.driver.kubernetes.CloudNativePgDriver;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster;
import dev.strata.provisioning.driver.kubernetes.RedisOperatorDriver;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The backup API asks the driver whether it can back up here and whether it restores in place, and answers 422
 * with the driver's own reason before accepting anything (no engine is special-cased in the service): Kubernetes
 * mode without the object store settings, Redis under the OpsTree operator, in-place restores under CloudNativePG.
 */
class BackupsCapabilityTest {

    private static final Caller CALLER = new Caller("key_1", "ws_1");

    /** Strata's settings, with or without the backup object store of Kubernetes mode. */
    private static StrataConfig config(boolean store) {
        return new StrataConfig() {
            @Override
            public Optional<BackupObjectStore> kubernetesBackupStore() {
                return store ? Optional.of(new BackupObjectStore("http://minio:9000", "b", "us-east-1", "k", "s")) : Optional.empty();
            }

            @Override
            public String kubernetesBackupStoreMissing() {
                return store ? null : super.kubernetesBackupStoreMissing();
            }
        };
    }

    /** The service with one database and one driver for every engine; nothing else is reached before the checks. */
    private static Backups service(Database db, EngineDriver driver) {
        Backups backups = new Backups();
        backups.drivers = new EngineDrivers() {
            @Override
            public EngineDriver forEngine(Engine engine) {
                return driver;
            }
        };
        backups.databases = new Databases() {
            @Override
            public Database find(Caller caller, String wsId, String dbId) {
                return db;
            }

            @Override
            public Database findForChange(Caller caller, String wsId, String dbId) {
                return db;
            }
        };
        return backups;
    }

    private static Database ready(Engine engine) {
        Database db = Database.create("ws_1", "prj_1", "Orders", new Slug("orders"), engine, "16", CpuQuantity.parse("250m"),
                MemoryQuantity.parse("512Mi"), new StorageSize(10), null,
                new InstanceIdentity(0, "orders", "orders", "v1:sealed-app", "v1:sealed-admin"), Instant.now());
        db.recordObservation(1, InstanceObservation.ready(null), Instant.now());
        return db;
    }

    private static KubernetesCluster cluster(boolean store) {
        return new KubernetesCluster(config(store), null);
    }

    @Test
    void withoutTheObjectStoreSettingsBackupsRestoresAndBranchesAre422NamingThem() {
        Database db = ready(Engine.POSTGRESQL);
        Backups backups = service(db, new CloudNativePgDriver(cluster(false)));
        assertThatThrownBy(() -> backups.request(CALLER, "ws_1", db.id())).isInstanceOf(UnprocessableException.class)
                .hasMessageContaining("STRATA_K8S_BACKUP_S3_ENDPOINT").hasMessageContaining("STRATA_K8S_BACKUP_S3_SECRET_ACCESS_KEY");
        assertThatThrownBy(() -> backups.branch(CALLER, "ws_1", db.id(), "b", "b", null)).isInstanceOf(UnprocessableException.class)
                .hasMessageContaining("STRATA_K8S_BACKUP_S3_BUCKET");
    }

    @Test
    void redisUnderTheOpsTreeOperatorIs422WithTheOperatorsReason() {
        Database db = ready(Engine.REDIS);
        Backups backups = service(db, new RedisOperatorDriver(cluster(true)));
        assertThatThrownBy(() -> backups.request(CALLER, "ws_1", db.id())).isInstanceOf(UnprocessableException.class)
                .hasMessageContaining("OpsTree redis-operator").hasMessageContaining("has no backup support");
        assertThatThrownBy(() -> backups.branch(CALLER, "ws_1", db.id(), "b", "b", null)).isInstanceOf(UnprocessableException.class)
                .hasMessageContaining("has no backup support");
    }

    @Test
    void anInPlaceRestoreUnderCloudNativePgIs422PointingAtRestoreIntoANewDatabase() {
        Database db = ready(Engine.POSTGRESQL);
        Backups backups = service(db, new CloudNativePgDriver(cluster(true)));
        assertThatThrownBy(() -> backups.restoreInPlaceAt(CALLER, "ws_1", db.id(), "2026-12-05T10:00:00Z"))
                .isInstanceOf(UnprocessableException.class)
                .hasMessageContaining("CloudNativePG restores only into a new cluster").hasMessageContaining("/restore");
        assertThat(new CloudNativePgDriver(cluster(true)).backupsUnavailable()).isNull();
    }

    @Test
    void theRecoveryWindowStartsNoEarlierThanTheOperatorReports() {
        Database db = ready(Engine.POSTGRESQL);
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        dev.strata.domain.backup.BackupPolicy policy = dev.strata.domain.backup.BackupPolicy.defaults(db.id(), "ws_1", "v1:sealed", now, now);
        dev.strata.domain.backup.Backup old = dev.strata.domain.backup.Backup.request(db, dev.strata.domain.backup.BackupTrigger.SCHEDULED,
                policy, now.minusSeconds(7200));
        old.start(now.minusSeconds(7200));
        old.complete("20261205T010000", 0, true, now.minusSeconds(7100), java.time.Duration.ofDays(1));
        Instant pruned = now.minusSeconds(600); // Barman's retention removed the older base; the records still list it
        Backups backups = service(db, new CloudNativePgDriver(cluster(true)) {
            @Override
            public Optional<Instant> earliestRecoverable(dev.strata.domain.database.InstanceSpec spec) {
                return Optional.of(pruned);
            }
        });
        backups.backups = (dev.strata.domain.backup.BackupRepository) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {dev.strata.domain.backup.BackupRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("completedOf")) {
                        return java.util.List.of(old);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        dev.strata.domain.backup.RecoveryWindow window = backups.windowOf(db, now);
        assertThat(window.pointInTime()).isTrue();
        assertThat(window.earliest()).isEqualTo(pruned);
        assertThat(window.contains(now.minusSeconds(3600))).isFalse();
    }

    @Test
    void theConfirmationStepsChecksRefuseWhatTheRestoreWouldRefuseAndChangeNothing() {
        Database db = ready(Engine.POSTGRESQL);
        Backups backups = service(db, new CloudNativePgDriver(cluster(true)));
        assertThatThrownBy(() -> backups.checkRestoreInPlaceAt(CALLER, "ws_1", db.id(), "2026-12-05T10:00:00Z"))
                .isInstanceOf(UnprocessableException.class).hasMessageContaining("CloudNativePG restores only into a new cluster");
        assertThatThrownBy(() -> backups.checkRestoreInPlaceAt(CALLER, "ws_1", db.id(), "yesterday"))
                .isInstanceOf(dev.strata.domain.shared.InvalidInputException.class).hasMessageContaining("RFC 3339");
        assertThatThrownBy(() -> backups.checkRestoreInPlace(CALLER, "ws_1", db.id(), " "))
                .isInstanceOf(dev.strata.domain.shared.InvalidInputException.class).hasMessageContaining("backupId");
        assertThat(db.restoreBackupId()).as("nothing asked of the database").isNull();
    }

    @Test
    void aBranchFromABackupTakesOnlyACompletedBackupOfTheParent() {
        Database db = ready(Engine.POSTGRESQL);
        Database other = ready(Engine.POSTGRESQL);
        Instant now = Instant.now();
        dev.strata.domain.backup.BackupPolicy policy = dev.strata.domain.backup.BackupPolicy.defaults(db.id(), "ws_1", "v1:sealed", now, now);
        dev.strata.domain.backup.Backup ofOther = dev.strata.domain.backup.Backup.request(other, dev.strata.domain.backup.BackupTrigger.MANUAL,
                policy, now);
        dev.strata.domain.backup.Backup running = dev.strata.domain.backup.Backup.request(db, dev.strata.domain.backup.BackupTrigger.MANUAL,
                policy, now);
        running.start(now);
        Backups backups = service(db, new CloudNativePgDriver(cluster(true)));
        backups.backups = (dev.strata.domain.backup.BackupRepository) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {dev.strata.domain.backup.BackupRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("find")) {
                        return java.util.stream.Stream.of(ofOther, running).filter(b -> b.id().equals(args[1])).findFirst();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        assertThatThrownBy(() -> backups.branchFromBackup(CALLER, "ws_1", db.id(), "b", "b", null))
                .isInstanceOf(dev.strata.domain.shared.InvalidInputException.class).hasMessageContaining("backupId");
        assertThatThrownBy(() -> backups.branchFromBackup(CALLER, "ws_1", db.id(), "b", "b", "bkp_01jzzzzzzzzzzzzzzzzzzzzzzz"))
                .isInstanceOf(UnprocessableException.class).hasMessageContaining("does not exist in this workspace");
        assertThatThrownBy(() -> backups.branchFromBackup(CALLER, "ws_1", db.id(), "b", "b", ofOther.id()))
                .isInstanceOf(UnprocessableException.class).hasMessageContaining("is of database " + other.id());
        assertThatThrownBy(() -> backups.branchFromBackup(CALLER, "ws_1", db.id(), "b", "b", running.id()))
                .isInstanceOf(dev.strata.domain.shared.ConflictException.class).hasMessageContaining("only a completed backup");
    }
}
