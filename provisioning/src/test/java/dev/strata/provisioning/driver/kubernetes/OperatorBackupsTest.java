package dev.strata.provisioning.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.backup.BackupCapability.BackupJob;
import dev.strata.domain.backup.BackupCapability.RestoreJob;
import dev.strata.domain.backup.BackupCapability.TakenBackup;
import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.StorageSize;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.kubernetes.simulation.ApiServerSimulation;
import dev.strata.provisioning.driver.kubernetes.simulation.OperatorSimulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backups, restores, point-in-time restores and their refusals through the operators' own mechanisms, driven by
 * the drivers against the simulated API server and operators: what each driver writes (checked field by field
 * against what the operators read), what it reports from the operators' status, and what it refuses and why.
 */
class OperatorBackupsTest {

    private static final String NS = "strata-ws-01jtestworkspace000000000000";
    private static final StrataConfig.BackupObjectStore STORE = new StrataConfig.BackupObjectStore(
            "http://minio.storage.svc:9000", "strata-backups", "eu-west-1", "AKIASTRATA", "s3cr3t/key+1");

    private static ApiServerSimulation apiServer;
    private static OperatorSimulator operators;
    private static BackupConfig config;
    private static KubernetesCluster cluster;
    private static int serial;

    /** Strata's settings with the backup object store set (or not, per test). */
    static class BackupConfig extends StrataConfig {
        volatile boolean configured = true;

        @Override
        public Optional<BackupObjectStore> kubernetesBackupStore() {
            return configured ? Optional.of(STORE) : Optional.empty();
        }

        @Override
        public String kubernetesBackupStoreMissing() {
            return configured ? null : super.kubernetesBackupStoreMissing();
        }

        @Override
        public Duration kubernetesBackupTimeout() {
            return Duration.ofSeconds(20);
        }
    }

    private static SimulatedCluster simulated;

    @BeforeAll
    static void start() throws Exception {
        config = new BackupConfig();
        simulated = SimulatedCluster.start(Duration.ofMillis(300), config);
        apiServer = simulated.apiServer();
        operators = simulated.operators();
        cluster = simulated.cluster();
    }

    @AfterAll
    static void stop() {
        simulated.close();
    }

    @AfterEach
    void configuredAgain() {
        config.configured = true;
    }

    private static InstanceSpec spec(Engine engine, String version, boolean sleeping, String id) {
        return new InstanceSpec(id, "ws_01jtestworkspace000000000000", "proj_01jtestproject0000000000000", engine, version,
                CpuQuantity.parse("500m"), MemoryQuantity.parse("1Gi"), new StorageSize(10), "fast-ssd", null,
                "orders", "orders", "app-pass/word+1", "admin-pass-2", sleeping, null);
    }

    private static String newId() {
        return "db_01jtestbackups0000000000" + String.format("%02d", serial++);
    }

    private static String backupId() {
        return "bkp_01jtestbackup000000000000" + String.format("%02d", serial++);
    }

    private static GenericKubernetesResource stored(ResourceKind kind, String name) {
        return apiServer.client().genericKubernetesResources(kind.apiVersion(), kind.kind()).inNamespace(NS).withName(name).get();
    }

    private static Object at(GenericKubernetesResource r, String dotted) {
        return OperatorSimulator.get(r, dotted.split("\\."));
    }

    private static InstanceObservation untilReady(OperatorDriver driver, InstanceSpec spec) {
        return await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> driver.ensureRunning(spec), InstanceObservation::ready);
    }

    private static BackupJob job(String backupId, int retentionDays) {
        return new BackupJob(backupId, "unused-by-operators", null, retentionDays);
    }

    private static RestoreJob restoreJob(String backupId, String sourceId, String location, String token, Instant pointInTime) {
        return new RestoreJob(backupId, sourceId, location, "unused-by-operators", "orders", "orders", null, token, pointInTime, null);
    }

    // --- PostgreSQL: CloudNativePG with the Barman Cloud plugin ------------------------------------------------

    @Test
    void postgresqlArchivesIntoItsObjectStoreAndBacksUpWithAPluginBackup() {
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        String id = newId();
        String name = KubernetesCluster.dnsName(id);
        InstanceSpec spec = spec(Engine.POSTGRESQL, "16", false, id);
        untilReady(driver, spec);

        assertThat(apiServer.secret(NS, "strata-backup-s3")).as("the credentials the operators read")
                .isEqualTo(Map.of("AWS_ACCESS_KEY_ID", "AKIASTRATA", "AWS_SECRET_ACCESS_KEY", "s3cr3t/key+1", "AWS_REGION", "eu-west-1"));
        GenericKubernetesResource store = stored(CloudNativePgDriver.OBJECT_STORE, name + "-archive");
        assertThat(at(store, "spec.configuration.destinationPath")).isEqualTo("s3://strata-backups/databases/" + id);
        assertThat(at(store, "spec.configuration.endpointURL")).isEqualTo("http://minio.storage.svc:9000");
        assertThat(at(store, "spec.configuration.s3Credentials")).isEqualTo(Map.of(
                "accessKeyId", Map.of("name", "strata-backup-s3", "key", "AWS_ACCESS_KEY_ID"),
                "secretAccessKey", Map.of("name", "strata-backup-s3", "key", "AWS_SECRET_ACCESS_KEY"),
                "region", Map.of("name", "strata-backup-s3", "key", "AWS_REGION")));
        assertThat(at(store, "spec.retentionPolicy")).isEqualTo("7d");
        GenericKubernetesResource c = stored(CloudNativePgDriver.CLUSTER, name);
        assertThat((List<?>) at(c, "spec.plugins")).hasSize(1);
        assertThat(at(c, "spec.plugins.0.name")).isEqualTo("barman-cloud.cloudnative-pg.io");
        assertThat(at(c, "spec.plugins.0.isWALArchiver")).isEqualTo(true);
        assertThat(at(c, "spec.plugins.0.parameters")).isEqualTo(Map.of("barmanObjectName", name + "-archive"));

        String bkp = backupId();
        TakenBackup taken = driver.backup(spec, job(bkp, 14));
        GenericKubernetesResource backup = stored(CloudNativePgDriver.BACKUP, KubernetesCluster.dnsName(bkp));
        assertThat(at(backup, "spec")).isEqualTo(Map.of("cluster", Map.of("name", name), "method", "plugin",
                "pluginConfiguration", Map.of("name", "barman-cloud.cloudnative-pg.io")));
        assertThat(backup.getMetadata().getLabels()).containsEntry("strata.dev/backup-id", bkp).containsEntry("strata.dev/database-id", id);
        assertThat(at(backup, "status.phase")).isEqualTo("completed");
        assertThat(taken.location()).as("Barman's backup id, as the operator reports it").isEqualTo(at(backup, "status.backupId"))
                .matches("\\d{8}T\\d{6}");
        assertThat(taken.pointInTimeBase()).as("the WAL archive goes on from it").isTrue();
        store = stored(CloudNativePgDriver.OBJECT_STORE, name + "-archive");
        assertThat(at(store, "spec.retentionPolicy")).as("the database's retention, for Barman's pruning").isEqualTo("14d");
        assertThat(at(store, "status.serverRecoveryWindow." + name + ".lastSuccessfulBackupTime")).isEqualTo(at(backup, "status.stoppedAt"));
        assertThat(driver.earliestRecoverable(spec)).as("the plugin's recovery window, for the API's")
                .contains(Instant.parse((String) at(store, "status.serverRecoveryWindow." + name + ".firstRecoverabilityPoint")));

        // repeated after a crash: the same Backup, not a second one
        assertThat(driver.backup(spec, job(bkp, 14)).location()).isEqualTo(taken.location());
        assertThat(apiServer.client().genericKubernetesResources("postgresql.cnpg.io/v1", "Backup").inNamespace(NS)
                .withLabel("strata.dev/backup-id", bkp).list().getItems()).hasSize(1);

        driver.deleteBackup(restoreJob(bkp, id, taken.location(), null, null));
        assertThat(stored(CloudNativePgDriver.BACKUP, KubernetesCluster.dnsName(bkp))).isNull();
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void aPostgresqlBackupTheOperatorFailsReportsItsError() {
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        // a database made before the object store was configured: its Cluster has no plugin yet
        config.configured = false;
        String id = newId();
        InstanceSpec spec = spec(Engine.POSTGRESQL, "16", false, id);
        untilReady(driver, spec);
        config.configured = true;
        assertThatThrownBy(() -> driver.backup(spec, job(backupId(), 7))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CloudNativePG failed Backup")
                .hasMessageEndingWith(": cannot proceed with the backup as the cluster has no plugin configured");

        // the next pass adds the plugin; a sleeping (hibernated) database cannot be backed up by CloudNativePG
        untilReady(driver, spec);
        InstanceSpec asleep = spec(Engine.POSTGRESQL, "16", true, id);
        await().atMost(Duration.ofSeconds(20)).until(() -> driver.stop(asleep), InstanceObservation::stopped);
        assertThatThrownBy(() -> driver.backup(asleep, job(backupId(), 7))).isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith(": cannot backup a hibernated cluster");
    }

    @Test
    void withoutTheObjectStoreSettingsBackupsAreRefusedNamingThem() {
        config.configured = false;
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        assertThat(driver.backupsUnavailable()).contains("STRATA_K8S_BACKUP_S3_ENDPOINT", "STRATA_K8S_BACKUP_S3_BUCKET",
                "STRATA_K8S_BACKUP_S3_ACCESS_KEY_ID", "STRATA_K8S_BACKUP_S3_SECRET_ACCESS_KEY");
        String id = newId();
        assertThatThrownBy(() -> driver.backup(spec(Engine.POSTGRESQL, "16", false, id), job(backupId(), 7)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("STRATA_K8S_BACKUP_S3_ENDPOINT");
        config.configured = true;
        assertThat(driver.backupsUnavailable()).isNull();
    }

    @Test
    void aPostgresqlRestoreIsANewClusterRecoveredFromTheSourcesObjectStore() {
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        String sourceId = newId();
        InstanceSpec source = spec(Engine.POSTGRESQL, "16", false, sourceId);
        untilReady(driver, source);
        String bkp = backupId();
        TakenBackup taken = driver.backup(source, job(bkp, 7));

        String id = newId();
        String name = KubernetesCluster.dnsName(id);
        InstanceSpec target = spec(Engine.POSTGRESQL, "16", false, id);
        driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@1", null));

        GenericKubernetesResource c = stored(CloudNativePgDriver.CLUSTER, name);
        assertThat(at(c, "spec.bootstrap")).isEqualTo(Map.of("recovery", Map.of("source", "origin", "database", "orders",
                "owner", "orders", "recoveryTarget", Map.of("backupID", taken.location(), "targetImmediate", true))));
        assertThat((List<?>) at(c, "spec.externalClusters")).hasSize(1);
        assertThat(at(c, "spec.externalClusters.0.name")).isEqualTo("origin");
        assertThat(at(c, "spec.externalClusters.0.plugin.name")).isEqualTo("barman-cloud.cloudnative-pg.io");
        assertThat(at(c, "spec.externalClusters.0.plugin.parameters")).isEqualTo(Map.of("barmanObjectName", name + "-origin",
                "serverName", KubernetesCluster.dnsName(sourceId)));
        assertThat(at(c, "spec.plugins.0.parameters.barmanObjectName")).as("it archives into its own folder").isEqualTo(name + "-archive");
        assertThat(at(stored(CloudNativePgDriver.OBJECT_STORE, name + "-origin"), "spec.configuration.destinationPath"))
                .isEqualTo("s3://strata-backups/databases/" + sourceId);
        assertThat(at(stored(CloudNativePgDriver.OBJECT_STORE, name + "-archive"), "spec.configuration.destinationPath"))
                .isEqualTo("s3://strata-backups/databases/" + id);

        // the full-recovery Job runs first: CloudNativePG says "Setting up primary" meanwhile
        InstanceObservation recovering = await().atMost(Duration.ofSeconds(10))
                .until(() -> driver.ensureRunning(target), o -> o.message() != null && o.message().contains("Setting up primary"));
        assertThat(recovering.ready()).isFalse();
        untilReady(driver, target);
        c = stored(CloudNativePgDriver.CLUSTER, name);
        assertThat(at(c, "spec.bootstrap.initdb")).as("ensureRunning leaves the recovery bootstrap alone").isNull();
        assertThat(at(c, "spec.bootstrap.recovery.source")).isEqualTo("origin");
        assertThat(driver.connection(target).username()).isEqualTo("orders");

        // repeated after a crash: done already; another restore onto the existing Cluster is refused
        driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@1", null));
        assertThatThrownBy(() -> driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@2", null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("restores only into a new cluster");
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void aPostgresqlPointInTimeRestoreCarriesTheTargetTime() {
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        String sourceId = newId();
        InstanceSpec source = spec(Engine.POSTGRESQL, "16", false, sourceId);
        untilReady(driver, source);
        String bkp = backupId();
        TakenBackup taken = driver.backup(source, job(bkp, 7));
        Instant moment = Instant.now().plusSeconds(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(moment));

        String id = newId();
        InstanceSpec target = spec(Engine.POSTGRESQL, "16", false, id);
        driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@1@" + moment, moment));
        GenericKubernetesResource c = stored(CloudNativePgDriver.CLUSTER, KubernetesCluster.dnsName(id));
        assertThat(at(c, "spec.bootstrap.recovery.recoveryTarget")).isEqualTo(Map.of("targetTime", moment.toString()));
        untilReady(driver, target);
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void cloudNativePgRefusesInPlaceRestores() {
        BackupCapability driver = new CloudNativePgDriver(cluster);
        assertThat(driver.inPlaceRestoreUnavailable()).contains("CloudNativePG restores only into a new cluster")
                .contains("/backups/{id}/restore").contains("/branches");
        assertThat(driver.backupsUnavailable()).isNull();
    }

    // --- MySQL: mariadb-operator's PhysicalBackup and bootstrapFrom ------------------------------------------

    @Test
    void mysqlBackupIsAPhysicalBackupIntoTheDatabasesFolder() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        String id = newId();
        String name = KubernetesCluster.dnsName(id);
        InstanceSpec spec = spec(Engine.MYSQL, "11.4", false, id);
        untilReady(driver, spec);

        String bkp = backupId();
        TakenBackup taken = driver.backup(spec, job(bkp, 14));
        GenericKubernetesResource pb = stored(MariaDbOperatorDriver.PHYSICAL_BACKUP, KubernetesCluster.dnsName(bkp));
        assertThat(at(pb, "spec.mariaDbRef.name")).isEqualTo(name);
        assertThat(at(pb, "spec.storage.s3")).isEqualTo(Map.of("bucket", "strata-backups", "endpoint", "minio.storage.svc:9000",
                "prefix", "databases/" + id, "region", "eu-west-1",
                "accessKeyIdSecretKeyRef", Map.of("name", "strata-backup-s3", "key", "AWS_ACCESS_KEY_ID"),
                "secretAccessKeySecretKeyRef", Map.of("name", "strata-backup-s3", "key", "AWS_SECRET_ACCESS_KEY"),
                "tls", Map.of("enabled", false)));
        assertThat(at(pb, "spec.maxRetention")).as("the database's retention").isEqualTo("336h");
        assertThat(at(pb, "spec.schedule")).as("Strata's scheduler decides when").isNull();
        assertThat(at(pb, "status.conditions.0.reason")).isEqualTo("JobComplete");
        assertThat(taken.location()).as("when the Job completed: the restore's targetRecoveryTime")
                .isEqualTo(at(pb, "status.conditions.0.lastTransitionTime"));
        assertThat(taken.pointInTimeBase()).as("no binary log archive for a single server").isFalse();
        assertThat(apiServer.secret(NS, KubernetesCluster.dnsName(bkp) + "-root")).as("the root password the restored data needs")
                .isEqualTo(Map.of("password", "admin-pass-2"));
        assertThat(driver.backup(spec, job(bkp, 14)).location()).as("repeated after a crash").isEqualTo(taken.location());

        driver.deleteBackup(restoreJob(bkp, id, taken.location(), null, null));
        assertThat(stored(MariaDbOperatorDriver.PHYSICAL_BACKUP, KubernetesCluster.dnsName(bkp))).isNull();
        assertThat(apiServer.secret(NS, KubernetesCluster.dnsName(bkp) + "-root")).isNull();
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void aMysqlBackupWhoseJobFailsReportsTheOperatorsCondition() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.MYSQL, "11.4", false, id);
        untilReady(driver, spec);
        operators.bucketMissing("strata-backups-gone");
        StrataConfig.BackupObjectStore elsewhere = new StrataConfig.BackupObjectStore("https://s3.eu-west-1.amazonaws.com",
                "strata-backups-gone", "eu-west-1", "AKIASTRATA", "s3cr3t/key+1");
        KubernetesCluster other = new KubernetesCluster(new BackupConfig() {
            @Override
            public Optional<BackupObjectStore> kubernetesBackupStore() {
                return Optional.of(elsewhere);
            }
        }, cluster.api());
        String bkp = backupId();
        assertThatThrownBy(() -> new MariaDbOperatorDriver(other).backup(spec, job(bkp, 7))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PhysicalBackup " + KubernetesCluster.dnsName(bkp)).hasMessageContaining("Complete is JobFailed (Failed)");
        assertThat(at(stored(MariaDbOperatorDriver.PHYSICAL_BACKUP, KubernetesCluster.dnsName(bkp)), "spec.storage.s3.tls"))
                .as("https: TLS").isEqualTo(Map.of("enabled", true));

        InstanceSpec asleep = spec(Engine.MYSQL, "11.4", true, id);
        assertThatThrownBy(() -> driver.backup(asleep, job(backupId(), 7))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("asleep");
    }

    @Test
    void aMysqlRestoreIsANewMariaDbBootstrappedFromTheSourcesFolder() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        String sourceId = newId();
        InstanceSpec source = spec(Engine.MYSQL, "11.4", false, sourceId);
        untilReady(driver, source);
        String bkp = backupId();
        TakenBackup taken = driver.backup(source, job(bkp, 7));

        String id = newId();
        String name = KubernetesCluster.dnsName(id);
        InstanceSpec target = new InstanceSpec(id, "ws_01jtestworkspace000000000000", "proj_01jtestproject0000000000000", Engine.MYSQL,
                "11.4", CpuQuantity.parse("500m"), MemoryQuantity.parse("1Gi"), new StorageSize(10), "fast-ssd", null,
                "orders", "orders", "new-app-pass", "new-admin-pass", false, null);
        driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@1", null));

        GenericKubernetesResource m = stored(MariaDbOperatorDriver.MARIADB, name);
        assertThat(at(m, "spec.bootstrapFrom.s3.prefix")).isEqualTo("databases/" + sourceId);
        assertThat(at(m, "spec.bootstrapFrom.s3.bucket")).isEqualTo("strata-backups");
        assertThat(at(m, "spec.bootstrapFrom.backupContentType")).isEqualTo("Physical");
        assertThat(at(m, "spec.bootstrapFrom.targetRecoveryTime")).isEqualTo(taken.location());
        assertThat(at(m, "spec.rootPasswordSecretKeyRef.name")).isEqualTo(name + "-source-root");
        assertThat(apiServer.secret(NS, name + "-source-root")).as("the source's root password: the restored data has it")
                .isEqualTo(Map.of("password", "admin-pass-2"));
        assertThat(apiServer.secret(NS, name + "-password")).as("the application user gets the new password")
                .isEqualTo(Map.of("password", "new-app-pass"));

        InstanceObservation restoring = await().atMost(Duration.ofSeconds(10)).until(() -> driver.ensureRunning(target),
                o -> !o.ready() && stored(MariaDbOperatorDriver.MARIADB, name) != null
                        && "Initializing".equals(at(stored(MariaDbOperatorDriver.MARIADB, name), "status.conditions.1.reason")));
        assertThat(restoring.ready()).isFalse();
        untilReady(driver, target);
        m = stored(MariaDbOperatorDriver.MARIADB, name);
        assertThat(at(m, "spec.rootPasswordSecretKeyRef.name")).as("left as created").isEqualTo(name + "-source-root");
        assertThat(at(m, "spec.bootstrapFrom.targetRecoveryTime")).isEqualTo(taken.location());

        driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@1", null));
        assertThatThrownBy(() -> driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@2", null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only into a new MariaDB");
        assertThat(driver.inPlaceRestoreUnavailable()).contains("/backups/{id}/restore");

        simulated.untilDeleted(driver, target);
        assertThat(apiServer.secret(NS, name + "-source-root")).isNull();
        assertThat(operators.lastError()).isNull();
    }

    // --- MongoDB: Percona Backup for MongoDB through the Percona operator ----------------------------------------

    @Test
    void mongodbBacksUpWithPbmIntoTheDatabasesFolder() {
        PerconaMongoDriver driver = new PerconaMongoDriver(cluster);
        String id = newId();
        String name = KubernetesCluster.dnsName(id);
        InstanceSpec spec = spec(Engine.MONGODB, "7.0", false, id);
        untilReady(driver, spec);
        GenericKubernetesResource psmdb = stored(PerconaMongoDriver.PSMDB, name);
        assertThat(at(psmdb, "spec.backup.enabled")).isEqualTo(true);
        assertThat(at(psmdb, "spec.backup.image")).isEqualTo("percona/percona-backup-mongodb:2.12.0");
        assertThat(at(psmdb, "spec.backup.storages")).isEqualTo(Map.of("strata", Map.of("type", "s3", "s3", Map.of("bucket", "strata-backups",
                "prefix", "databases/" + id, "region", "eu-west-1", "endpointUrl", "http://minio.storage.svc:9000",
                "credentialsSecret", "strata-backup-s3"))));
        assertThat(at(psmdb, "spec.backup.pitr")).isEqualTo(Map.of("enabled", true));

        String bkp = backupId();
        TakenBackup taken = driver.backup(spec, job(bkp, 7));
        GenericKubernetesResource b = stored(PerconaMongoDriver.BACKUP, KubernetesCluster.dnsName(bkp));
        assertThat(at(b, "spec.clusterName")).isEqualTo(name);
        assertThat(at(b, "spec.storageName")).isEqualTo("strata");
        assertThat(at(b, "spec.type")).isEqualTo("logical");
        assertThat(at(b, "status.state")).isEqualTo("ready");
        assertThat(taken.location()).isEqualTo(at(b, "status.destination")).startsWith("s3://strata-backups/databases/" + id + "/");
        assertThat(taken.sizeBytes()).as("PBM's size as the operator prints it").isEqualTo(1_250_000L);
        assertThat(taken.pointInTimeBase()).as("the oplog is archived from it on").isTrue();
        assertThat(apiServer.secret(NS, KubernetesCluster.dnsName(bkp) + "-users")).as("the system users the restored data has")
                .isEqualTo(apiServer.secret(NS, name + "-users"));

        driver.deleteBackup(restoreJob(bkp, id, taken.location(), null, null));
        assertThat(stored(PerconaMongoDriver.BACKUP, KubernetesCluster.dnsName(bkp))).isNull();
        assertThat(apiServer.secret(NS, KubernetesCluster.dnsName(bkp) + "-users")).isNull();
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void aMongodbBackupThatFailsReportsPbmsError() {
        operators.bucketMissing("strata-mongo-gone");
        KubernetesCluster other = new KubernetesCluster(new BackupConfig() {
            @Override
            public Optional<BackupObjectStore> kubernetesBackupStore() {
                return Optional.of(new BackupObjectStore("https://s3.eu-west-1.amazonaws.com", "strata-mongo-gone", "eu-west-1", "k", "s"));
            }
        }, cluster.api());
        PerconaMongoDriver driver = new PerconaMongoDriver(other);
        String id = newId();
        InstanceSpec spec = spec(Engine.MONGODB, "7.0", false, id);
        untilReady(driver, spec);
        assertThatThrownBy(() -> driver.backup(spec, job(backupId(), 7))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the Percona operator failed PerconaServerMongoDBBackup")
                .hasMessageEndingWith(": upload to storage: NoSuchBucket: The specified bucket does not exist");
        assertThatThrownBy(() -> driver.backup(spec(Engine.MONGODB, "7.0", true, id), job(backupId(), 7)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("asleep");
    }

    @Test
    void aMongodbPointInTimeRestoreIsANewClusterThenAPbmRestoreIntoIt() {
        PerconaMongoDriver driver = new PerconaMongoDriver(cluster);
        String sourceId = newId();
        InstanceSpec source = spec(Engine.MONGODB, "7.0", false, sourceId);
        untilReady(driver, source);
        String bkp = backupId();
        TakenBackup taken = driver.backup(source, job(bkp, 7));
        String lastWrite = (String) at(stored(PerconaMongoDriver.BACKUP, KubernetesCluster.dnsName(bkp)), "status.lastWriteAt");

        // a moment before the backup's last write: PBM refuses it
        String earlyId = newId();
        InstanceSpec early = spec(Engine.MONGODB, "7.0", false, earlyId);
        assertThatThrownBy(() -> driver.restore(early, restoreJob(bkp, sourceId, taken.location(), bkp + "@1",
                Instant.parse(lastWrite).minusSeconds(30)))).isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith(": backup's last write is later than target time");

        String id = newId();
        String name = KubernetesCluster.dnsName(id);
        InstanceSpec target = spec(Engine.MONGODB, "7.0", false, id);
        Instant moment = Instant.parse(lastWrite).plusSeconds(1);
        driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@1@" + moment, moment));
        assertThat(apiServer.secret(NS, name + "-users")).as("the source's system users, which the restored data has")
                .isEqualTo(apiServer.secret(NS, KubernetesCluster.dnsName(sourceId) + "-users"));
        GenericKubernetesResource restore = apiServer.client().genericKubernetesResources("psmdb.percona.com/v1", "PerconaServerMongoDBRestore")
                .inNamespace(NS).withLabel("strata.dev/database-id", id).list().getItems().get(0);
        assertThat(at(restore, "spec.clusterName")).isEqualTo(name);
        assertThat(at(restore, "spec.backupSource.type")).isEqualTo("logical");
        assertThat(at(restore, "spec.backupSource.destination")).isEqualTo(taken.location());
        assertThat(at(restore, "spec.backupSource.s3.prefix")).isEqualTo("databases/" + sourceId);
        assertThat(at(restore, "spec.pitr")).isEqualTo(Map.of("type", "date",
                "date", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC).format(moment)));
        assertThat(at(restore, "status.state")).isEqualTo("ready");
        assertThat(at(stored(PerconaMongoDriver.PSMDB, name), "spec.backup.storages.strata.s3.prefix")).as("it backs up into its own folder")
                .isEqualTo("databases/" + id);
        untilReady(driver, target);

        // repeated after a crash: nothing more; an in-place restore is refused
        driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@1@" + moment, moment));
        assertThatThrownBy(() -> driver.restore(target, restoreJob(bkp, sourceId, taken.location(), bkp + "@2", null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("restored into new databases only");
        simulated.untilDeleted(driver, target);
        assertThat(apiServer.client().genericKubernetesResources("psmdb.percona.com/v1", "PerconaServerMongoDBRestore")
                .inNamespace(NS).withLabel("strata.dev/database-id", id).list().getItems()).isEmpty();
        assertThat(operators.lastError()).isNull();
    }

    // --- Redis: the OpsTree operator has no backups ----------------------------------------------------------

    @Test
    void redisUnderTheOpsTreeOperatorSaysWhyItHasNoBackups() {
        RedisOperatorDriver driver = new RedisOperatorDriver(cluster);
        assertThat(driver.backupsUnavailable()).contains("OpsTree redis-operator", "has no backup support");
        String id = newId();
        assertThatThrownBy(() -> driver.backup(spec(Engine.REDIS, "7.0.15", false, id), job(backupId(), 7)))
                .isInstanceOf(IllegalStateException.class).hasMessage(driver.backupsUnavailable());
        assertThat(apiServer.client().genericKubernetesResources("redis.redis.opstreelabs.in/v1beta2", "Redis").inNamespace(NS)
                .withName(KubernetesCluster.dnsName(id)).get()).as("nothing written").isNull();
    }
}
