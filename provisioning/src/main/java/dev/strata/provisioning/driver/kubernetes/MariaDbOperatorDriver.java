package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.driver.DriverPlace;
import dev.strata.provisioning.config.StrataConfig.BackupObjectStore;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster.Target;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MySQL through mariadb-operator: a {@code k8s.mariadb.com/v1alpha1 MariaDB} with the database, its user and
 * Secrets holding the passwords Strata generated. Sleep: the resource is suspended ({@code spec.suspend}, so the
 * operator leaves it alone) and its StatefulSet scaled to zero; waking lifts the suspension and the operator
 * scales it back. Delete: mariadb-operator keeps the data volumes by default (the StatefulSet controller
 * retains claims made from volume claim templates), so the spec asks for
 * {@code storage.pvcRetentionPolicy} {@code whenDeleted: Delete} (the StatefulSet controller then makes the
 * StatefulSet own the claims, and the garbage collector removes them with it, as it removes the StatefulSet with
 * the MariaDB) and {@code whenScaled: Retain} (sleep scales to zero and must keep the data). mariadb-operator copies
 * the policy into the StatefulSet only on Kubernetes 1.32 and later (pkg/builder/statefulset_builder.go
 * {@code mariadbPVCRetentionPolicy}): on an older cluster the claims stay, and the delete says so.
 * <p>
 * Backups are mariadb-operator's {@code PhysicalBackup}s (mariadb-backup into the bucket of
 * {@code STRATA_K8S_BACKUP_S3_*}, {@link #backup}); a restore is a new MariaDB bootstrapped from them
 * ({@code spec.bootstrapFrom}, {@link #restore}). No point-in-time restores: the operator archives binary logs
 * only for a MariaDB with replication, which needs two replicas or more (api/v1alpha1/mariadb_types.go
 * {@code IsPointInTimeRecoveryEnabled}, internal/webhook/v1alpha1/mariadb_webhook.go {@code validateHA}), and
 * Strata's MariaDB is one server; so this driver is no {@code PointInTimeCapability} and a branch is made from a
 * backup taken for it. No in-place restores: physical backups are restored only into a new MariaDB
 * (docs/physical_backup.md, "Restoration").
 */
@ApplicationScoped
@DriverPlace("kubernetes")
public class MariaDbOperatorDriver extends OperatorDriver implements BackupCapability {

    public static final ResourceKind MARIADB = new ResourceKind("k8s.mariadb.com", "v1alpha1", "mariadbs", "MariaDB");
    /** {@code ConditionReasonStatefulSetReady} (api/v1alpha1/condition_types.go): Ready with nothing pending. */
    public static final String READY_REASON = "StatefulSetReady";
    public static final ResourceKind PHYSICAL_BACKUP = new ResourceKind("k8s.mariadb.com", "v1alpha1", "physicalbackups", "PhysicalBackup");
    /** On a MariaDB made by a restore: the restore request's token, so that a repeated call knows it is done. */
    public static final String RESTORED_FROM = "strata.dev/restored-from";
    /** Role label of the copy of a database's root password kept with each of its backups (see {@link #backup}). */
    static final String ROOT_COPY_ROLE = "backup-root-password";

    public MariaDbOperatorDriver() {
    }

    public MariaDbOperatorDriver(KubernetesCluster cluster) {
        super(cluster);
    }

    @Override
    protected Engine engine() {
        return Engine.MYSQL;
    }

    @Override
    protected String defaultVersions() {
        return "11.4,10.11";
    }

    @Override
    protected ResourceKind kind() {
        return MARIADB;
    }

    static String passwordSecret(Target t) {
        return t.name() + "-password";
    }

    static String rootSecret(Target t) {
        return t.name() + "-root";
    }

    @Override
    protected Map<String, Map<String, String>> ownSecrets(InstanceSpec spec, Target t) {
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        secrets.put(passwordSecret(t), Map.of("password", spec.password()));
        secrets.put(rootSecret(t), Map.of("password", spec.adminPassword()));
        return secrets;
    }

    @Override
    protected JsonObject spec(InstanceSpec spec, Target t) {
        long bufferPoolMb = Math.max(64, spec.memory().bytes() / 2 / (1024 * 1024));
        return Json.obj(
                "image", image(spec),
                "port", 3306,
                "rootPasswordSecretKeyRef", Json.obj("name", rootSecret(t), "key", "password", "generate", false),
                "database", spec.databaseName(),
                "username", spec.username(),
                "passwordSecretKeyRef", Json.obj("name", passwordSecret(t), "key", "password", "generate", false),
                "storage", Json.obj("size", storageSize(spec), "storageClassName", storageClass(spec), "resizeInUseVolumes", true,
                        "pvcRetentionPolicy", Json.obj("whenDeleted", "Delete", "whenScaled", "Retain")),
                "resources", resources(spec),
                "myCnf", "[mariadb]\nbind-address=*\ninnodb_buffer_pool_size=" + bufferPoolMb + "M\n",
                "suspend", spec.sleeping());
    }

    /**
     * Claims made from the StatefulSet's templates carry its selector labels (pkg/builder/labels
     * {@code WithMariaDBSelectorLabels}).
     */
    @Override
    protected String volumeSelector(Target t) {
        return "app.kubernetes.io/name=mariadb,app.kubernetes.io/instance=" + t.name();
    }

    @Override
    protected void afterApply(JsonObject mariadb, InstanceSpec spec, Target t) {
        if (spec.sleeping()) {
            scaleToZero(t, t.name());
        }
    }

    /**
     * Null when the MariaDB serves its current spec. mariadb-operator's status has no {@code observedGeneration}
     * (api/v1alpha1/mariadb_types.go {@code MariaDBStatus}) and its conditions carry none: {@code Ready} is
     * derived from the StatefulSet's ready pods (pkg/condition/ready.go {@code SetReadyWithMariaDB}), so right
     * after a spec change it still says True with reason {@code StatefulSetReady} until the operator has written
     * the new spec into the StatefulSet. What the operator does give, and Strata checks:
     * <ul>
     * <li>{@code Ready} True with reason {@code StatefulSetReady} (not {@code PendingUpdate}, which is Ready True
     * while the pods still run the old revision, nor {@code Maintenance});</li>
     * <li>{@code Updated}, where present, True: internal/controller/mariadb_controller_status.go
     * {@code setUpdatedCondition} sets it from the pods' revision against the StatefulSet's
     * {@code updateRevision} ({@code PendingUpdate}, {@code Updating}, {@code Updated});
     * {@code StorageResized}, where present, True (internal/controller/mariadb_controller_storage.go
     * {@code reconcileStorage}/{@code waitForStorageResize});</li>
     * <li>the StatefulSet the operator made carries the current spec, which is the link to the generation the
     * operator does not give: its {@code mariadb} container has {@code spec.resources} (pkg/builder
     * container_builder.go) and its {@code storage} claim template asks for {@code spec.storage.size} (the
     * size {@code reconcileStorage} compares, pkg/statefulset {@code GetStorageSize}); and the StatefulSet
     * controller has rolled it out: {@code observedGeneration} caught up, {@code updatedReplicas} and
     * {@code readyReplicas} equal to {@code replicas}.</li>
     * </ul>
     */
    @Override
    protected String notReadyReason(JsonObject mariadb, InstanceSpec spec, Target t) {
        String prefix = "MariaDB " + t.name() + ": ";
        String reason = Json.conditionReason(mariadb, "Ready").orElse("");
        if (!Json.conditionTrue(mariadb, "Ready") || !READY_REASON.equals(reason)) {
            return prefix + Json.conditionMessage(mariadb, "Ready").orElse("waiting for mariadb-operator")
                    + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
        for (String type : List.of("Updated", "StorageResized")) {
            if (Json.condition(mariadb, type).isPresent() && !Json.conditionTrue(mariadb, type)) {
                return prefix + Json.conditionMessage(mariadb, type).orElse(type + " is not True");
            }
        }
        Optional<JsonObject> found = statefulSet(t, t.name());
        if (found.isEmpty()) {
            return prefix + "waiting for mariadb-operator to create StatefulSet " + t.name();
        }
        JsonObject sts = found.get();
        String outdated = resourcesDiffer(Json.at(mariadb, "spec", "resources").orElse(null),
                Json.at(sts, "spec", "template", "spec").filter(JsonElement::isJsonObject)
                        .flatMap(p -> container(p.getAsJsonObject(), "mariadb"))
                        .flatMap(c -> Json.at(c, "resources")).orElse(null));
        if (outdated != null) {
            return prefix + "StatefulSet " + t.name() + " has the previous spec (" + outdated + "); waiting for mariadb-operator";
        }
        String size = Json.string(mariadb, "spec", "storage", "size").orElse(null);
        String template = claimTemplateStorage(sts, "storage");
        if (size != null && (template == null || !template.equals(size) && !sameQuantity(template, size))) {
            return prefix + "StatefulSet " + t.name() + " asks for " + template + " of storage, wanted " + size
                    + "; waiting for mariadb-operator";
        }
        long replicas = wantedReplicas(sts);
        long updated = Json.number(sts, "status", "updatedReplicas").orElse(0L);
        long ready = readyReplicas(sts);
        if (!Json.statusCurrent(sts) || replicas < 1 || updated != replicas || ready != replicas) {
            return prefix + "rolling out StatefulSet " + t.name() + " (" + updated + "/" + replicas + " updated, "
                    + ready + "/" + replicas + " ready)";
        }
        return null;
    }

    /** The storage request of the StatefulSet's claim template named {@code name}, if it has one. */
    private static String claimTemplateStorage(JsonObject sts, String name) {
        return Json.at(sts, "spec", "volumeClaimTemplates").filter(JsonElement::isJsonArray).flatMap(ts -> {
            for (JsonElement c : ts.getAsJsonArray()) {
                if (c.isJsonObject() && name.equals(Json.string(c.getAsJsonObject(), "metadata", "name").orElse(null))) {
                    return Json.string(c.getAsJsonObject(), "spec", "resources", "requests", "storage");
                }
            }
            return Optional.empty();
        }).orElse(null);
    }

    @Override
    protected String notAsleepReason(JsonObject mariadb, InstanceSpec spec, Target t) {
        Optional<JsonObject> sts = statefulSet(t, t.name());
        long ready = sts.map(s -> readyReplicas(s)).orElse(0L);
        return ready == 0 ? null : "MariaDB " + t.name() + ": stopping (" + ready + " pod(s) still ready)";
    }

    @Override
    protected ConnectionInfo connection(InstanceSpec spec, Target t) {
        // the default Service is named like the MariaDB (internal/controller/mariadb_controller.go reconcileDefaultService)
        String host = serviceHost(t, t.name());
        int port = 3306;
        String uri = "mysql://" + enc(spec.username()) + ":" + enc(spec.password()) + "@" + host + ":" + port + "/" + spec.databaseName();
        return new ConnectionInfo(uri, spec.username(), spec.password(), host, port, spec.databaseName(),
                "jdbc:mariadb://" + host + ":" + port + "/" + spec.databaseName() + "?user=" + enc(spec.username())
                        + "&password=" + enc(spec.password()));
    }

    // --- backups: PhysicalBackup, restores through bootstrapFrom ---------------------------------------------------

    private OperatorBackupStore backups() {
        return new OperatorBackupStore(cluster);
    }

    /** The Secret holding a restored database's root password: the source's, which its restored data has. */
    static String sourceRootSecret(Target t) {
        return t.name() + "-source-root";
    }

    /**
     * {@code bootstrapFrom} is how the data was made (mariadb-operator marks it {@code inmutableinit}), and the root
     * password's Secret of a restored database is the source's copy ({@link #restore}): both are written at
     * creation only.
     */
    @Override
    protected List<String> creationOnlyFields() {
        return List.of("bootstrapFrom", "rootPasswordSecretKeyRef");
    }

    @Override
    protected void deleteDependents(InstanceSpec spec, Target target) {
        cluster.api().delete(ResourceKind.SECRET, target.namespace(), sourceRootSecret(target));
    }

    @Override
    public String backupsUnavailable() {
        return backups().unavailable();
    }

    @Override
    public String inPlaceRestoreUnavailable() {
        return "mariadb-operator restores physical backups only into a new MariaDB, never into the data of an existing one:"
                + " restore the backup into a new database (POST /workspaces/{ws}/backups/{id}/restore) or branch the database,"
                + " then switch your clients over";
    }

    /** {@code spec.storage.s3} of a PhysicalBackup, {@code spec.bootstrapFrom.s3} of a MariaDB: one database's folder. */
    private static JsonObject s3(BackupObjectStore store, String databaseId) {
        return Json.obj("bucket", store.bucket(), "endpoint", OperatorBackupStore.hostAndPort(store),
                "prefix", OperatorBackupStore.folder(databaseId), "region", store.region(),
                "accessKeyIdSecretKeyRef", OperatorBackupStore.secretKey(OperatorBackupStore.ACCESS_KEY_ID),
                "secretAccessKeySecretKeyRef", OperatorBackupStore.secretKey(OperatorBackupStore.SECRET_ACCESS_KEY),
                "tls", Json.obj("enabled", OperatorBackupStore.tls(store)));
    }

    /**
     * A {@code PhysicalBackup} named after Strata's backup id (a call repeated after a crash finds it), without a
     * schedule, so the operator runs exactly one mariadb-backup Job for it (internal/controller/
     * physicalbackup_controller.go {@code reconcileTemplate}), into the database's folder, gzip-compressed;
     * {@code maxRetention} is the database's retention, so each backup Job also removes the files older than that
     * (Strata's scheduler decides when, so no {@code schedule}). Waits for its {@code Complete} condition
     * (physicalbackup_controller_job.go {@code reconcileJobStatus}): True with reason {@code JobComplete}, or
     * {@code JobFailed}, which is all the operator says of a failure (the Job's pod log has the rest). The backup
     * is taken from the running primary (physicalBackupTarget), so a sleeping database is refused at once. The
     * location is when the Job completed: a restore asks for the newest backup file of the folder before it
     * ({@code targetRecoveryTime}); the operator names the file after the Job's start. The database's root
     * password is kept with the backup (a Secret labelled with its id): a restored MariaDB must be given the root
     * password its data has (docs/physical_backup.md, "Root credentials").
     */
    @Override
    public TakenBackup backup(InstanceSpec spec, BackupJob job) {
        OperatorBackupStore backups = backups();
        BackupObjectStore store = backups.require();
        Target t = cluster.target(spec);
        if (spec.sleeping()) {
            throw new IllegalStateException("mariadb-operator takes physical backups from the running server only; the database"
                    + " is asleep: wake it and back it up again");
        }
        backups.ensureSecret(t.namespace());
        KubernetesApi api = cluster.api();
        String name = KubernetesCluster.dnsName(job.backupId());
        Map<String, String> labels = backups.backupLabels(cluster.labels(spec), job.backupId());
        Map<String, String> rootLabels = new LinkedHashMap<>(labels);
        rootLabels.put(OperatorBackupStore.ROLE_LABEL, ROOT_COPY_ROLE);
        String rootPassword = api.secret(t.namespace(), rootPasswordSecret(t)).map(m -> m.get("password")).orElse(spec.adminPassword());
        api.putSecret(t.namespace(), name + "-root", Map.of("password", rootPassword), rootLabels);
        if (api.get(PHYSICAL_BACKUP, t.namespace(), name).isEmpty()) {
            api.create(PHYSICAL_BACKUP, Json.obj("apiVersion", PHYSICAL_BACKUP.apiVersion(), "kind", PHYSICAL_BACKUP.kind(),
                    "metadata", Json.obj("name", name, "namespace", t.namespace(), "labels", labels),
                    "spec", Json.obj("mariaDbRef", Json.obj("name", t.name()), "storage", Json.obj("s3", s3(store, spec.id())),
                            "compression", "gzip", "maxRetention", job.retentionDays() * 24 + "h")));
        }
        String what = "PhysicalBackup " + name + " of MariaDB " + t.name() + " in namespace " + t.namespace();
        JsonObject complete = backups.await(what, () -> api.get(PHYSICAL_BACKUP, t.namespace(), name),
                b -> Json.condition(b, "Complete").filter(c -> "True".equals(Json.string(c, "status").orElse(null))).orElse(null),
                b -> Json.condition(b, "Complete").map(c -> Json.string(c, "reason").orElse("") + " (" + Json.string(c, "message").orElse("") + ")")
                        .orElse("without a Complete condition"));
        String reason = Json.string(complete, "reason").orElse("");
        if (!reason.equals("JobComplete")) {
            throw new IllegalStateException("mariadb-operator's backup Job of " + what + " did not succeed: condition Complete is "
                    + reason + " (" + Json.string(complete, "message").orElse("") + "); the log of the Job's pod says why");
        }
        String completedAt = Json.string(complete, "lastTransitionTime").orElseGet(() -> java.time.Instant.now().toString());
        return new TakenBackup(completedAt, 0, false);
    }

    /** The Secret with the root password this database's MariaDB uses: its own, or the source's after a restore. */
    private String rootPasswordSecret(Target t) {
        return cluster.api().get(MARIADB, t.namespace(), t.name())
                .flatMap(m -> Json.string(m, "spec", "rootPasswordSecretKeyRef", "name")).orElse(rootSecret(t));
    }

    /**
     * A new MariaDB bootstrapped from the source's folder of the bucket ({@code bootstrapFrom.s3} with
     * {@code backupContentType: Physical}, which works across namespaces and after the source is deleted; a
     * {@code backupRef} would have to name a PhysicalBackup of the target's namespace) and
     * {@code targetRecoveryTime}, the backup's location: mariadb-operator restores the newest backup file before it
     * (docs/physical_backup.md). Its root password is the source's, copied from the backup's Secret into
     * {@code <target>-source-root}; the application user's password is the target's own (the operator's User
     * controller alters the user to the Secret's password, internal/controller/user_controller.go).
     */
    @Override
    public void restore(InstanceSpec target, RestoreJob job) {
        Target t = cluster.target(target);
        KubernetesApi api = cluster.api();
        Optional<JsonObject> existing = api.get(MARIADB, t.namespace(), t.name());
        if (existing.isPresent()) {
            if (job.token() != null && job.token().equals(Json.string(existing.get(), "metadata", "annotations", RESTORED_FROM).orElse(null))) {
                return;
            }
            throw new IllegalStateException(inPlaceRestoreUnavailable());
        }
        OperatorBackupStore backups = backups();
        BackupObjectStore store = backups.require();
        backups.ensureSecret(t.namespace());
        Map<String, String> root = api.listEverywhere(ResourceKind.SECRET, OperatorBackupStore.BACKUP_ID_LABEL + "=" + job.backupId()
                        + "," + OperatorBackupStore.ROLE_LABEL + "=" + ROOT_COPY_ROLE).stream().findFirst()
                .flatMap(s -> api.secret(Json.string(s, "metadata", "namespace").orElse(null), Json.string(s, "metadata", "name").orElseThrow()))
                .orElseThrow(() -> new IllegalStateException("the root password kept with backup " + job.backupId()
                        + " is gone (Secret labelled " + OperatorBackupStore.BACKUP_ID_LABEL + "=" + job.backupId()
                        + "); mariadb-operator cannot run a MariaDB restored without it"));
        for (Map.Entry<String, Map<String, String>> secret : ownSecrets(target, t).entrySet()) {
            api.putSecret(t.namespace(), secret.getKey(), secret.getValue(), cluster.labels(target));
        }
        api.putSecret(t.namespace(), sourceRootSecret(t), Map.of("password", root.get("password")), cluster.labels(target));
        JsonObject cr = desired(target);
        JsonObject spec = cr.getAsJsonObject("spec");
        spec.add("rootPasswordSecretKeyRef", Json.obj("name", sourceRootSecret(t), "key", "password", "generate", false));
        spec.add("bootstrapFrom", Json.obj("s3", s3(store, job.sourceDatabaseId()), "backupContentType", "Physical",
                "targetRecoveryTime", job.pointInTime() != null ? job.pointInTime().toString() : job.location()));
        JsonObject metadata = cr.getAsJsonObject("metadata");
        JsonObject annotations = metadata.has("annotations") ? metadata.getAsJsonObject("annotations") : new JsonObject();
        annotations.addProperty(RESTORED_FROM, job.token() == null ? job.backupId() : job.token());
        metadata.add("annotations", annotations);
        api.create(MARIADB, cr);
    }

    /** Deletes the PhysicalBackup and the root password kept with it; its file goes with the next Job's {@code maxRetention}. */
    @Override
    public void deleteBackup(RestoreJob backup) {
        OperatorBackupStore backups = backups();
        backups.deleteLabelled(PHYSICAL_BACKUP, backup.backupId());
        backups.deleteLabelled(ResourceKind.SECRET, backup.backupId());
    }
}
