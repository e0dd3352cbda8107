package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.backup.PointInTimeCapability;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.shared.ConflictException;
import dev.strata.provisioning.driver.DriverPlace;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster.Target;
import dev.strata.provisioning.config.StrataConfig.BackupObjectStore;
import io.kubernetes.client.custom.Quantity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL through CloudNativePG: a {@code postgresql.cnpg.io/v1 Cluster} with one instance, the database and its
 * owner made by {@code bootstrap.initdb}; CloudNativePG writes the connection details into the {@code <cluster>-app}
 * Secret. Sleep is CloudNativePG's declarative hibernation (annotation {@code cnpg.io/hibernation}): the pods go,
 * the volumes stay. Readiness reads the instance Pods and their data PVCs besides the Cluster, because the
 * Cluster's status says nothing about which spec it describes ({@link #notReadyReason}).
 * <p>
 * Backups go through the Barman Cloud plugin ({@link #backup}): with {@code STRATA_K8S_BACKUP_S3_*} set, each
 * database has an {@code ObjectStore} {@code <cluster>-archive} pointing at its folder of the bucket, and the
 * Cluster archives its WAL there through {@code spec.plugins}. Restores, point-in-time restores and branches are
 * new Clusters bootstrapped by {@code bootstrap.recovery} ({@link #restore}); CloudNativePG cannot restore into an
 * existing Cluster, so in-place restores are refused ({@link #inPlaceRestoreUnavailable}).
 */
@ApplicationScoped
@DriverPlace("kubernetes")
public class CloudNativePgDriver extends OperatorDriver implements BackupCapability, PointInTimeCapability {

    public static final ResourceKind CLUSTER = new ResourceKind("postgresql.cnpg.io", "v1", "clusters", "Cluster");
    public static final String HIBERNATION = "cnpg.io/hibernation";
    /** {@code PhaseHealthy} of api/v1/cluster_types.go: the phase registered at the end of a loop with nothing left to do. */
    public static final String HEALTHY = "Cluster in healthy state";
    public static final ResourceKind BACKUP = new ResourceKind("postgresql.cnpg.io", "v1", "backups", "Backup");
    public static final ResourceKind OBJECT_STORE = new ResourceKind("barmancloud.cnpg.io", "v1", "objectstores", "ObjectStore");
    /** The Barman Cloud plugin's name (plugin-barman-cloud internal/cnpgi/metadata/constants.go {@code PluginName}). */
    public static final String BARMAN_CLOUD = "barman-cloud.cloudnative-pg.io";
    /** On a Cluster made by a restore: the restore request's token, so that a repeated call knows it is done. */
    public static final String RESTORED_FROM = "strata.dev/restored-from";
    /** The {@code externalClusters} entry a restored Cluster recovers from. */
    static final String ORIGIN = "origin";

    public CloudNativePgDriver() {
    }

    public CloudNativePgDriver(KubernetesCluster cluster) {
        super(cluster);
    }

    @Override
    protected Engine engine() {
        return Engine.POSTGRESQL;
    }

    @Override
    protected String defaultVersions() {
        return "17,16,15";
    }

    @Override
    protected ResourceKind kind() {
        return CLUSTER;
    }

    @Override
    protected Map<String, String> annotations(InstanceSpec spec) {
        return Map.of(HIBERNATION, spec.sleeping() ? "on" : "off");
    }

    @Override
    protected JsonObject spec(InstanceSpec spec, Target target) {
        long sharedBuffersMb = Math.max(32, spec.memory().bytes() / 4 / (1024 * 1024));
        return Json.obj(
                "instances", 1,
                "imageName", image(spec),
                "storage", Json.obj("size", storageSize(spec), "storageClass", storageClass(spec)),
                "resources", resources(spec),
                "postgresql", Json.obj("parameters", Json.obj("shared_buffers", sharedBuffersMb + "MB")),
                "bootstrap", Json.obj("initdb", Json.obj("database", spec.databaseName(), "owner", spec.username())),
                "plugins", backups().configured().isEmpty() ? null : Json.arr(Json.obj("name", BARMAN_CLOUD,
                        "isWALArchiver", true, "parameters", Json.obj("barmanObjectName", archiveStore(target)))));
    }

    /** {@code bootstrap} says how the data was made (initdb or a restore); CloudNativePG refuses to change it. */
    @Override
    protected List<String> creationOnlyFields() {
        return List.of("bootstrap", "externalClusters");
    }

    // --- backups through the Barman Cloud plugin ---------------------------------------------------------------

    private OperatorBackupStore backups() {
        return new OperatorBackupStore(cluster);
    }

    /** The ObjectStore a database's Cluster archives into and backs up to. */
    static String archiveStore(Target target) {
        return target.name() + "-archive";
    }

    /** The ObjectStore a restored Cluster recovers from: the source database's folder, seen from the target's namespace. */
    static String originStore(Target target) {
        return target.name() + "-origin";
    }

    @Override
    public String backupsUnavailable() {
        return backups().unavailable();
    }

    /**
     * CloudNativePG restores only into a new Cluster: {@code bootstrap.recovery} runs when a Cluster is created and
     * is immutable afterwards; there is no restore into a running one (docs/src/recovery.md). Strata does not swap
     * a database over to a new Cluster behind its back (its Services and Secrets are named after the Cluster, so
     * every client would have to reconnect to other credentials anyway): restore into a new database or branch.
     */
    @Override
    public String inPlaceRestoreUnavailable() {
        return "CloudNativePG restores only into a new cluster, never into the data of a running one: restore the backup into a"
                + " new database (POST /workspaces/{ws}/backups/{id}/restore) or branch the database at the moment wanted"
                + " (POST /workspaces/{ws}/databases/{id}/branches with pointInTime), then switch your clients over";
    }

    /** CloudNativePG's default {@code archive_timeout} (pkg/postgres/configuration.go): a WAL segment is closed within 5 min. */
    @Override
    public Duration archiveInterval() {
        return Duration.ofMinutes(5);
    }

    /**
     * {@code status.serverRecoveryWindow[<cluster>].firstRecoverabilityPoint} of the database's ObjectStore, which
     * the plugin refreshes after each backup (plugin-barman-cloud internal/cnpgi/instance/recovery_window.go
     * {@code updateRecoveryWindow}) and which moves forward as Barman's retention policy removes old backups.
     */
    @Override
    public Optional<java.time.Instant> earliestRecoverable(InstanceSpec spec) {
        Target target = cluster.target(spec);
        return cluster.api().get(OBJECT_STORE, target.namespace(), archiveStore(target))
                .flatMap(store -> Json.string(store, "status", "serverRecoveryWindow", target.name(), "firstRecoverabilityPoint"))
                .map(java.time.Instant::parse);
    }

    /**
     * The credentials Secret and the database's ObjectStore, before the Cluster that refers to them (the plugin's
     * sidecar fails to archive until its ObjectStore exists). Nothing without a configured object store.
     */
    @Override
    protected void beforeApply(InstanceSpec spec, Target target) {
        if (backups().configured().isPresent()) {
            ensureArchiveStore(spec, target, null);
        }
    }

    @Override
    protected void deleteDependents(InstanceSpec spec, Target target) {
        // the objects in the bucket stay: backups outlive their database until their retention ends
        cluster.api().delete(OBJECT_STORE, target.namespace(), archiveStore(target));
        cluster.api().delete(OBJECT_STORE, target.namespace(), originStore(target));
    }

    /**
     * Writes the database's ObjectStore: its folder of the bucket, the endpoint, the credentials Secret, and, when
     * {@code retentionDays} is given, Barman's retention policy ({@code <n>d}: the plugin removes base backups and
     * WAL no longer needed to restore any moment of the last n days). A new one keeps the default retention.
     */
    private void ensureArchiveStore(InstanceSpec spec, Target target, Integer retentionDays) {
        OperatorBackupStore backups = backups();
        BackupObjectStore store = backups.require();
        backups.ensureSecret(target.namespace());
        JsonObject configuration = storeConfiguration(store, backups.url(store, spec.id()));
        Optional<JsonObject> current = cluster.api().get(OBJECT_STORE, target.namespace(), archiveStore(target));
        if (current.isEmpty()) {
            int days = retentionDays == null ? dev.strata.domain.backup.BackupPolicy.DEFAULT_RETENTION_DAYS : retentionDays;
            cluster.api().create(OBJECT_STORE, Json.obj("apiVersion", OBJECT_STORE.apiVersion(), "kind", OBJECT_STORE.kind(),
                    "metadata", Json.obj("name", archiveStore(target), "namespace", target.namespace(), "labels", cluster.labels(spec)),
                    "spec", Json.obj("configuration", configuration, "retentionPolicy", days + "d")));
            return;
        }
        JsonObject patch = new JsonObject();
        if (!Json.at(current.get(), "spec", "configuration").map(configuration::equals).orElse(false)) {
            patch.add("configuration", configuration);
        }
        if (retentionDays != null && !Json.string(current.get(), "spec", "retentionPolicy").orElse("").equals(retentionDays + "d")) {
            patch.addProperty("retentionPolicy", retentionDays + "d");
        }
        if (patch.size() > 0) {
            cluster.api().mergePatch(OBJECT_STORE, target.namespace(), archiveStore(target), Json.obj("spec", patch));
        }
    }

    /** An ObjectStore's {@code spec.configuration}: where (a folder of the bucket), through which endpoint, with which keys. */
    private static JsonObject storeConfiguration(BackupObjectStore store, String destinationPath) {
        return Json.obj("destinationPath", destinationPath, "endpointURL", store.endpoint(),
                "s3Credentials", Json.obj("accessKeyId", OperatorBackupStore.secretKey(OperatorBackupStore.ACCESS_KEY_ID),
                        "secretAccessKey", OperatorBackupStore.secretKey(OperatorBackupStore.SECRET_ACCESS_KEY),
                        "region", OperatorBackupStore.secretKey(OperatorBackupStore.REGION)));
    }

    /**
     * An on-demand {@code Backup} with {@code method: plugin} (Strata's own scheduler decides when, so no
     * {@code ScheduledBackup}: one schedule, one retention, one list of backups for every engine), named after
     * Strata's backup id so that a call repeated after a crash finds the one it started. Waits for CloudNativePG's
     * phase (api/v1/backup_types.go): {@code completed}, or {@code failed} with {@code status.error} (an
     * unavailable plugin, a missing ObjectStore, a hibernated cluster: pkg/management/postgres/webserver/
     * plugin_backup.go, internal/controller/backup_controller.go). The location is Barman's backup id
     * ({@code status.backupId}); CloudNativePG's status has no size, so the size is reported as 0.
     */
    @Override
    public TakenBackup backup(InstanceSpec spec, BackupJob job) {
        Target target = cluster.target(spec);
        ensureArchiveStore(spec, target, job.retentionDays());
        String name = KubernetesCluster.dnsName(job.backupId());
        KubernetesApi api = cluster.api();
        if (api.get(BACKUP, target.namespace(), name).isEmpty()) {
            api.create(BACKUP, Json.obj("apiVersion", BACKUP.apiVersion(), "kind", BACKUP.kind(),
                    "metadata", Json.obj("name", name, "namespace", target.namespace(),
                            "labels", backups().backupLabels(cluster.labels(spec), job.backupId())),
                    "spec", Json.obj("cluster", Json.obj("name", target.name()), "method", "plugin",
                            "pluginConfiguration", Json.obj("name", BARMAN_CLOUD))));
        }
        String what = "Backup " + name + " of Cluster " + target.name() + " in namespace " + target.namespace();
        JsonObject done = backups().await(what, () -> api.get(BACKUP, target.namespace(), name), b -> {
            String phase = Json.string(b, "status", "phase").orElse("");
            return phase.equals("completed") || phase.equals("failed") ? b : null;
        }, b -> "in phase " + Json.string(b, "status", "phase").filter(p -> !p.isEmpty()).orElse("(none yet)"));
        if ("failed".equals(Json.string(done, "status", "phase").orElse(""))) {
            throw new IllegalStateException("CloudNativePG failed " + what + ": "
                    + Json.string(done, "status", "error").orElse("no error given"));
        }
        String backupId = Json.string(done, "status", "backupId").orElseThrow(() ->
                new IllegalStateException(what + " is completed but names no backupId"));
        return new TakenBackup(backupId, 0, true);
    }

    /**
     * A new Cluster recovered from the source database's folder of the bucket: an ObjectStore
     * {@code <target>-origin} there (in the target's namespace: the plugin reads ObjectStores of the Cluster's own
     * namespace, and the source may be gone or elsewhere), named as {@code externalClusters[origin].plugin} with
     * the source Cluster's name as {@code serverName} (the plugin's default is the new Cluster's own name,
     * internal/cnpgi/operator/config/config.go), and {@code bootstrap.recovery} from it: to
     * {@code recoveryTarget.targetTime} for a point in time, else to the end of the backup itself
     * ({@code backupID} with {@code targetImmediate}: consistent as soon as the backup is, no later WAL).
     * {@code database} and {@code owner} are the source's names (the new database keeps them); CloudNativePG makes
     * the new {@code <target>-app} Secret and sets the owner's password from it (instance_controller.go
     * {@code refreshCredentialsFromSecret}). The Cluster is created here; ensureRunning then finds it and leaves
     * its bootstrap alone. CloudNativePG cannot restore into an existing Cluster: an in-place restore is refused.
     */
    @Override
    public void restore(InstanceSpec target, RestoreJob job) {
        Target t = cluster.target(target);
        KubernetesApi api = cluster.api();
        Optional<JsonObject> existing = api.get(CLUSTER, t.namespace(), t.name());
        if (existing.isPresent()) {
            if (job.token() != null && job.token().equals(Json.string(existing.get(), "metadata", "annotations", RESTORED_FROM).orElse(null))) {
                return; // made by this restore before a crash
            }
            throw new IllegalStateException(inPlaceRestoreUnavailable());
        }
        OperatorBackupStore backups = backups();
        BackupObjectStore store = backups.require();
        ensureArchiveStore(target, t, null);
        String source = KubernetesCluster.dnsName(job.sourceDatabaseId());
        if (api.get(OBJECT_STORE, t.namespace(), originStore(t)).isEmpty()) {
            api.create(OBJECT_STORE, Json.obj("apiVersion", OBJECT_STORE.apiVersion(), "kind", OBJECT_STORE.kind(),
                    "metadata", Json.obj("name", originStore(t), "namespace", t.namespace(), "labels", cluster.labels(target)),
                    "spec", Json.obj("configuration", storeConfiguration(store, backups.url(store, job.sourceDatabaseId())))));
        }
        JsonObject recoveryTarget = job.pointInTime() != null
                ? Json.obj("targetTime", job.pointInTime().toString())
                : Json.obj("backupID", job.location(), "targetImmediate", true);
        JsonObject cr = desired(target);
        JsonObject spec = cr.getAsJsonObject("spec");
        spec.add("bootstrap", Json.obj("recovery", Json.obj("source", ORIGIN, "database", job.sourceDatabase(),
                "owner", job.sourceUsername(), "recoveryTarget", recoveryTarget)));
        spec.add("externalClusters", Json.arr(Json.obj("name", ORIGIN, "plugin", Json.obj("name", BARMAN_CLOUD,
                "parameters", Json.obj("barmanObjectName", originStore(t), "serverName", source)))));
        JsonObject metadata = cr.getAsJsonObject("metadata");
        JsonObject annotations = metadata.has("annotations") ? metadata.getAsJsonObject("annotations") : new JsonObject();
        annotations.addProperty(RESTORED_FROM, job.token() == null ? job.backupId() : job.token());
        metadata.add("annotations", annotations);
        api.create(CLUSTER, cr);
    }

    /**
     * Deletes the {@code Backup} resource. The backup's files stay in the bucket until the ObjectStore's retention
     * policy removes them: Barman keeps them in its own catalogue, which only Barman may rewrite.
     */
    @Override
    public void deleteBackup(RestoreJob backup) {
        backups().deleteLabelled(BACKUP, backup.backupId());
    }

    @Override
    protected List<String> operatorSecrets(Target target) {
        return List.of(appSecret(target));
    }

    /** CloudNativePG labels the instances' PVCs with their cluster (pkg/specs/pvcs.go); they are owned by the Cluster. */
    @Override
    protected String volumeSelector(Target target) {
        return "cnpg.io/cluster=" + target.name();
    }

    static String appSecret(Target target) {
        return target.name() + "-app";
    }

    /**
     * Null when the Cluster serves its current spec. CloudNativePG puts no {@code observedGeneration} on the
     * Cluster or on its conditions (api/v1/cluster_types.go {@code ClusterStatus} has none), and its {@code Ready}
     * condition is nothing but "phase is healthy" (pkg/resources/status/transactions.go
     * {@code SetClusterReadyCondition}). After a spec change the phase of the last loop, "Cluster in healthy
     * state", stays until the reconciler gets to the rollout: internal/controller/cluster_upgrade.go
     * {@code rolloutRequiredInstances}/{@code updatePrimaryPod} only then registers "Upgrading cluster" or, for
     * the single instance with the default {@code primaryUpdateMethod: restart}, "Primary instance is being
     * restarted without a switchover"; a storage grow changes no phase at all (the PVCs are patched by
     * pkg/reconciler/persistentvolumeclaim and show in {@code status.resizingPVC} only while resizing). So the
     * Cluster's status alone cannot tell a stale healthy state from a fresh one. Ready therefore means:
     * <ul>
     * <li>phase "Cluster in healthy state" and condition Ready True (the phase of a finished loop,
     * internal/controller/plugins.go {@code finalizeReconciliation});</li>
     * <li>{@code readyInstances} equal to {@code spec.instances} and as many names in
     * {@code instancesStatus.healthy} (api/v1/base_funcs.go {@code ListStatusPods}); no {@code resizingPVC};</li>
     * <li>every instance in {@code status.instanceNames} runs the current spec: its Pod is ready and its
     * {@code postgres} container has the Cluster's {@code spec.resources} (pkg/specs/pods.go copies
     * {@code cluster.Spec.Resources} into it; a differing pod spec is exactly what makes CloudNativePG roll the
     * pod, cluster_upgrade.go {@code checkPodSpecIsOutdated}), and its data volume (the PVC named after the
     * instance) has at least {@code spec.storage.size} in {@code status.capacity}.</li>
     * </ul>
     * {@code shared_buffers} follows the memory: it changes only with the pod's resources, and a recreated pod
     * starts with the new configuration.
     */
    @Override
    protected String notReadyReason(JsonObject cluster, InstanceSpec spec, Target target) {
        long wanted = Json.number(cluster, "spec", "instances").orElse(1L);
        long ready = Json.number(cluster, "status", "readyInstances").orElse(0L);
        String phase = Json.string(cluster, "status", "phase").orElse("waiting for CloudNativePG");
        String prefix = "Cluster " + target.name() + ": ";
        if (!HEALTHY.equals(phase) || !Json.conditionTrue(cluster, "Ready") || ready != wanted
                || Json.at(cluster, "status", "instancesStatus", "healthy").filter(JsonElement::isJsonArray)
                        .map(h -> h.getAsJsonArray().size()).orElse(0) != wanted) {
            return prefix + phase + " (" + ready + "/" + wanted + " instances ready)";
        }
        Optional<JsonElement> resizing = Json.at(cluster, "status", "resizingPVC").filter(JsonElement::isJsonArray);
        if (resizing.isPresent() && !resizing.get().getAsJsonArray().isEmpty()) {
            return prefix + "resizing volumes " + resizing.get();
        }
        List<String> instances = new ArrayList<>();
        Json.at(cluster, "status", "instanceNames").filter(JsonElement::isJsonArray)
                .ifPresent(a -> a.getAsJsonArray().forEach(n -> instances.add(n.getAsString())));
        if (instances.size() != wanted) {
            return prefix + "waiting for CloudNativePG to list its " + wanted + " instance(s)";
        }
        String size = Json.string(cluster, "spec", "storage", "size").orElse(null);
        for (String instance : instances) {
            Optional<JsonObject> pod = this.cluster.api().get(ResourceKind.POD, target.namespace(), instance);
            if (pod.isEmpty() || Json.at(pod.get(), "metadata", "deletionTimestamp").isPresent()) {
                return prefix + "instance " + instance + " is being recreated";
            }
            String outdated = resourcesDiffer(Json.at(cluster, "spec", "resources").orElse(null),
                    Json.at(pod.get(), "spec").filter(JsonElement::isJsonObject)
                            .flatMap(p -> container(p.getAsJsonObject(), "postgres"))
                            .flatMap(c -> Json.at(c, "resources")).orElse(null));
            if (outdated != null) {
                return prefix + "instance " + instance + " still runs the previous spec (" + outdated
                        + "); CloudNativePG rolls it out";
            }
            if (!Json.conditionTrue(pod.get(), "Ready")) {
                return prefix + "instance " + instance + " is not ready yet";
            }
            if (size != null) {
                String capacity = this.cluster.api().get(ResourceKind.PERSISTENT_VOLUME_CLAIM, target.namespace(), instance)
                        .flatMap(pvc -> Json.string(pvc, "status", "capacity", "storage")).orElse(null);
                if (capacity == null || !atLeast(capacity, size)) {
                    return prefix + "volume " + instance + " has " + (capacity == null ? "no capacity yet" : capacity)
                            + ", growing to " + size;
                }
            }
        }
        return null;
    }

    /** Whether quantity {@code have} is at least {@code want}; false when either does not parse. */
    private static boolean atLeast(String have, String want) {
        try {
            return new Quantity(have).getNumber().compareTo(new Quantity(want).getNumber()) >= 0;
        } catch (RuntimeException notAQuantity) {
            return false;
        }
    }

    @Override
    protected String notAsleepReason(JsonObject cluster, InstanceSpec spec, Target target) {
        if (Json.conditionTrue(cluster, HIBERNATION)) {
            return null;
        }
        return "Cluster " + target.name() + ": hibernating"
                + Json.conditionMessage(cluster, HIBERNATION).map(m -> " (" + m + ")").orElse("");
    }

    /**
     * From the credentials in CloudNativePG's {@code <cluster>-app} Secret, with a host that resolves from every
     * namespace: the Secret's {@code host} is the bare name of the read-write Service ({@code <cluster>-rw},
     * internal/controller/cluster_create.go passes {@code GetServiceReadWriteName()} to pkg/specs/secrets.go
     * {@code CreateSecret}), which resolves only inside the database's own namespace, and its {@code uri} and
     * {@code jdbc-uri} use {@code <cluster>-rw.<namespace>}. Strata's hosts are {@code <service>.<namespace>.svc}
     * for every engine ({@link #serviceHost}), so the URIs are built here from the parts, like the other drivers'.
     */
    @Override
    protected ConnectionInfo connection(InstanceSpec spec, Target target) {
        Map<String, String> app = cluster.api().secret(target.namespace(), appSecret(target)).orElseThrow(() ->
                new ConflictException("the connection details are not published yet: CloudNativePG writes them into Secret "
                        + appSecret(target) + " in namespace " + target.namespace() + " while the database is provisioning"));
        String host = serviceHost(target, app.getOrDefault("host", readWriteService(target)));
        int port = Integer.parseInt(app.getOrDefault("port", "5432"));
        String db = app.getOrDefault("dbname", spec.databaseName());
        String user = app.getOrDefault("username", spec.username());
        String password = app.get("password");
        String uri = "postgresql://" + enc(user) + ":" + enc(password) + "@" + host + ":" + port + "/" + enc(db);
        return new ConnectionInfo(uri, user, password, host, port, db,
                "jdbc:postgresql://" + host + ":" + port + "/" + enc(db) + "?user=" + enc(user) + "&password=" + enc(password));
    }

    /** The Service of the primary: {@code GetServiceReadWriteName} of api/v1/cluster_funcs.go. */
    static String readWriteService(Target target) {
        return target.name() + "-rw";
    }
}
