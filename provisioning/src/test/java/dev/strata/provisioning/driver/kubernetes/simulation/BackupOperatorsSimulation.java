package dev.strata.provisioning.driver.kubernetes.simulation;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backup side of the operators, for {@link OperatorSimulator}'s pass: CloudNativePG's {@code Backup} controller
 * with the Barman Cloud plugin (its {@code ObjectStore}, and a bucket whose catalogue it keeps per server), and
 * the recovery bootstrap of a new Cluster. What each does is modelled on the operator's source, cited at each
 * step; it takes the simulator's delay at each step, as the real ones take their time.
 */
final class BackupOperatorsSimulation {

    static final String BARMAN_CLOUD = "barman-cloud.cloudnative-pg.io";
    /** Barman's backup ids: the backup's start, {@code %Y%m%dT%H%M%S} (barman-cloud-backup). */
    private static final DateTimeFormatter BARMAN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final KubernetesClient client;
    private final Duration delay;
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    /** The simulated bucket: the base backups in each server's folder ({@code <destinationPath>/<serverName>}). */
    private final Map<String, List<BarmanBackup>> catalogue = new ConcurrentHashMap<>();

    /** Buckets that do not exist in the simulated object store (a backup into one fails). */
    private final java.util.Set<String> missingBuckets = ConcurrentHashMap.newKeySet();
    /** mariadb-operator's backup files in each folder ({@code <bucket>/<prefix>}), by the time in their name. */
    private final Map<String, List<Instant>> physicalFiles = new ConcurrentHashMap<>();

    /** PBM's backups by destination ({@code s3://<bucket>/<prefix>/<PBM name>}), with their last write. */
    private final Map<String, Instant> pbmBackups = new ConcurrentHashMap<>();
    /** PBM names: the backup's start, {@code 2006-01-02T15:04:05Z} (pbm's backup name format). */
    private static final DateTimeFormatter PBM_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** One base backup in the bucket, with the moment it ended (consistent from then on). */
    record BarmanBackup(String id, Instant begin, Instant end) {
    }

    /**
     * The operators' backup kinds (CloudNativePG's Backup, the plugin's ObjectStore, mariadb-operator's
     * PhysicalBackup, PSMDB's backups and restores) are registered with their real CRDs by {@link ApiServerSimulation},
     * which validates what Strata and this simulation write to them.
     */
    BackupOperatorsSimulation(KubernetesClient client, Duration delay) {
        this.client = client;
        this.delay = delay;
    }

    void pass() {
        for (GenericKubernetesResource b : list("postgresql.cnpg.io/v1", "Backup")) {
            cloudNativePgBackup(b);
        }
        for (GenericKubernetesResource b : list("k8s.mariadb.com/v1alpha1", "PhysicalBackup")) {
            mariaDbPhysicalBackup(b);
        }
        for (GenericKubernetesResource b : list("psmdb.percona.com/v1", "PerconaServerMongoDBBackup")) {
            perconaBackup(b);
        }
        for (GenericKubernetesResource r : list("psmdb.percona.com/v1", "PerconaServerMongoDBRestore")) {
            perconaRestore(r);
        }
    }

    // --- Percona Server for MongoDB ------------------------------------------------------------------------------

    /**
     * A {@code PerconaServerMongoDBBackup} as pkg/controller/perconaservermongodbbackup drives it: no cluster:
     * state {@code error}, "cluster not found" (psmdb_backup_controller.go {@code reconcile}); a cluster that
     * cannot back up (not ready, paused, or without {@code spec.backup.enabled}: {@code CanBackup}) leaves the
     * status as it is; otherwise {@code requested} with the PBM name, storage and {@code destination}
     * (backup.go {@code Start}), after the delay {@code running}, after another {@code ready} with PBM's size,
     * {@code completed} and {@code lastWriteAt} ({@code Status}), or {@code error} with PBM's error when the
     * storage's bucket does not exist.
     */
    private void perconaBackup(GenericKubernetesResource b) {
        String state = (String) OperatorSimulator.get(b, "status", "state");
        if ("ready".equals(state) || "error".equals(state) || !settled(key(b, "seen"))) {
            return;
        }
        String ns = b.getMetadata().getNamespace();
        GenericKubernetesResource psmdb = client.genericKubernetesResources("psmdb.percona.com/v1", "PerconaServerMongoDB").inNamespace(ns)
                .withName(String.valueOf(OperatorSimulator.get(b, "spec", "clusterName"))).get();
        Map<String, Object> status = new LinkedHashMap<>(b.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? castMap(m) : Map.of());
        if (psmdb == null) {
            status.put("state", "error");
            status.put("error", "cluster not found");
            writeStatus(b, status);
            return;
        }
        boolean canBackup = Boolean.TRUE.equals(OperatorSimulator.get(psmdb, "spec", "backup", "enabled"))
                && !Boolean.TRUE.equals(OperatorSimulator.get(psmdb, "spec", "pause")) && "ready".equals(OperatorSimulator.get(psmdb, "status", "state"));
        if (!canBackup) {
            return;
        }
        String storageName = String.valueOf(OperatorSimulator.get(b, "spec", "storageName"));
        Object s3 = OperatorSimulator.get(psmdb, "spec", "backup", "storages", storageName, "s3");
        if (state == null || state.isEmpty()) {
            if (!(s3 instanceof Map<?, ?> storage)) {
                status.put("state", "error");
                status.put("error", "unable to get storage '" + storageName + "'");
                writeStatus(b, status);
                return;
            }
            String pbmName = PBM_NAME.format(Instant.now());
            status.put("state", "requested");
            status.put("pbmName", pbmName);
            status.put("storageName", storageName);
            status.put("destination", "s3://" + storage.get("bucket") + "/" + storage.get("prefix") + "/" + pbmName);
            status.put("s3", castMap(storage));
            status.put("lastTransition", now());
            writeStatus(b, status);
            return;
        }
        if ("requested".equals(state)) {
            if (settled(key(b, "requested"))) {
                status.put("state", "running");
                status.put("start", now());
                status.put("type", "logical");
                status.put("lastTransition", now());
                writeStatus(b, status);
            }
            return;
        }
        if (!settled(key(b, "running"))) {
            return;
        }
        String bucket = String.valueOf(((Map<?, ?>) s3).get("bucket"));
        if (missingBuckets.contains(bucket)) {
            status.put("state", "error");
            status.put("error", "upload to storage: NoSuchBucket: The specified bucket does not exist");
        } else {
            Instant lastWrite = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
            pbmBackups.put(String.valueOf(status.get("destination")), lastWrite);
            status.put("state", "ready");
            status.put("size", "1.25MB");
            status.put("completed", now());
            status.put("lastWriteAt", lastWrite.toString());
        }
        status.put("lastTransition", now());
        writeStatus(b, status);
    }

    /**
     * A {@code PerconaServerMongoDBRestore} (pkg/controller/perconaservermongodbrestore): it waits while its cluster
     * is missing or cannot restore ({@code CanRestore}: ready, backup enabled); a backup that PBM does not find in
     * the source storage, or a {@code pitr.date} not after the backup's last write (validate.go: "backup's last
     * write is later than target time"), gives state {@code error}; else {@code waiting}, {@code requested},
     * {@code running} and {@code ready} a delay apart (logical.go).
     */
    private void perconaRestore(GenericKubernetesResource r) {
        String state = (String) OperatorSimulator.get(r, "status", "state");
        if ("ready".equals(state) || "error".equals(state) || !settled(key(r, "seen"))) {
            return;
        }
        String ns = r.getMetadata().getNamespace();
        GenericKubernetesResource psmdb = client.genericKubernetesResources("psmdb.percona.com/v1", "PerconaServerMongoDB").inNamespace(ns)
                .withName(String.valueOf(OperatorSimulator.get(r, "spec", "clusterName"))).get();
        if (psmdb == null || !Boolean.TRUE.equals(OperatorSimulator.get(psmdb, "spec", "backup", "enabled"))
                || !"ready".equals(OperatorSimulator.get(psmdb, "status", "state"))) {
            return;
        }
        Map<String, Object> status = new LinkedHashMap<>(r.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? castMap(m) : Map.of());
        if (state == null || state.isEmpty()) {
            Instant lastWrite = pbmBackups.get(String.valueOf(OperatorSimulator.get(r, "spec", "backupSource", "destination")));
            Object date = OperatorSimulator.get(r, "spec", "pitr", "date");
            String error = null;
            if (lastWrite == null) {
                error = "failed to validate backup: not found";
            } else if (date != null) {
                Instant target = java.time.LocalDateTime.parse(String.valueOf(date), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
                        .toInstant(ZoneOffset.UTC);
                error = target.equals(lastWrite) ? "backup's last write is equal to target time"
                        : target.isBefore(lastWrite) ? "backup's last write is later than target time" : null;
            }
            status.put("state", error == null ? "waiting" : "error");
            if (error != null) {
                status.put("error", error);
            }
            writeStatus(r, status);
            return;
        }
        String next = switch (state) {
            case "waiting" -> "requested";
            case "requested" -> "running";
            default -> "ready";
        };
        if (settled(key(r, state))) {
            status.put("state", next);
            if (next.equals("ready")) {
                status.put("completed", now());
            }
            writeStatus(r, status);
        }
    }

    void bucketMissing(String bucket) {
        missingBuckets.add(bucket);
    }

    // --- mariadb-operator ----------------------------------------------------------------------------------------

    /**
     * A {@code PhysicalBackup} without a schedule: one mariadb-backup Job (internal/controller/
     * physicalbackup_controller.go {@code reconcileTemplate}: no schedule and no Job yet), and its {@code Complete}
     * condition as physicalbackup_controller_job.go {@code reconcileJobStatus} writes it: False
     * {@code JobNotComplete} "Not complete" while there is no Job (also while the MariaDB has no ready primary:
     * {@code physicalBackupTarget} finds no target pod and no Job is created), False {@code JobRunning} "Running",
     * then True {@code JobComplete} "Success", or True {@code JobFailed} "Failed" when the Job fails (here: its
     * bucket does not exist). No {@code observedGeneration}. A completed Job leaves a file
     * {@code physicalbackup-<job start>.xb.gz} in {@code <bucket>/<prefix>} (getBackupFileName).
     */
    private void mariaDbPhysicalBackup(GenericKubernetesResource b) {
        String reason = completeReason(b);
        if ("JobComplete".equals(reason) || "JobFailed".equals(reason)) {
            return;
        }
        String ns = b.getMetadata().getNamespace();
        GenericKubernetesResource mariadb = client.genericKubernetesResources("k8s.mariadb.com/v1alpha1", "MariaDB").inNamespace(ns)
                .withName(String.valueOf(OperatorSimulator.get(b, "spec", "mariaDbRef", "name"))).get();
        boolean primaryReady = mariadb != null && !Boolean.TRUE.equals(OperatorSimulator.get(mariadb, "spec", "suspend"))
                && conditionTrue(mariadb, "Ready");
        if (reason == null || "JobNotComplete".equals(reason)) {
            if (!primaryReady || !settled(key(b, "seen"))) {
                writeStatus(b, Map.of("conditions", List.of(condition("Complete", false, "JobNotComplete", "Not complete"))));
                return;
            }
            writeStatus(b, Map.of("conditions", List.of(condition("Complete", false, "JobRunning", "Running")),
                    "lastScheduleTime", now()));
            return;
        }
        if (!settled(key(b, "job"))) {
            return;
        }
        String bucket = String.valueOf(OperatorSimulator.get(b, "spec", "storage", "s3", "bucket"));
        Object started = OperatorSimulator.get(b, "status", "lastScheduleTime");
        if (missingBuckets.contains(bucket)) {
            writeStatus(b, Map.of("conditions", List.of(condition("Complete", true, "JobFailed", "Failed")), "lastScheduleTime", started));
            return;
        }
        physicalFiles.computeIfAbsent(bucket + "/" + OperatorSimulator.get(b, "spec", "storage", "s3", "prefix"), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(Instant.parse(String.valueOf(started)));
        writeStatus(b, Map.of("conditions", List.of(condition("Complete", true, "JobComplete", "Success")), "lastScheduleTime", started));
    }

    /**
     * Whether a MariaDB bootstrapped from physical backups ({@code bootstrapFrom.s3}, {@code backupContentType:
     * Physical}) is still being restored: internal/controller/mariadb_controller_init.go
     * {@code reconcilePhysicalBackupInit} restores into the data volume with a Job before the StatefulSet exists,
     * with {@code Initialized} False "Initializing" (pkg/condition/initialized.go) and not Ready. The restore takes
     * three delays; while the folder has no backup file from before {@code targetRecoveryTime} the Job fails and
     * is retried, so the MariaDB never starts. Writes that status itself.
     */
    boolean restoringMariaDb(GenericKubernetesResource m) {
        if (!(OperatorSimulator.get(m, "spec", "bootstrapFrom", "s3") instanceof Map<?, ?> s3)) {
            return false;
        }
        if (client.apps().statefulSets().inNamespace(m.getMetadata().getNamespace()).withName(m.getMetadata().getName()).get() != null) {
            return false; // restored: the operator went on to the StatefulSet
        }
        Object target = OperatorSimulator.get(m, "spec", "bootstrapFrom", "targetRecoveryTime");
        Instant until = target == null ? Instant.now() : Instant.parse(String.valueOf(target));
        boolean found = physicalFiles.getOrDefault(s3.get("bucket") + "/" + s3.get("prefix"), List.of()).stream().anyMatch(t -> !t.isAfter(until));
        if (found && settled(key(m, "restore"), delay.multipliedBy(3))) {
            return false;
        }
        writeStatus(m, Map.of("conditions", List.of(condition("Ready", false, "StatefulSetNotReady", "Not ready"),
                condition("Initialized", false, "Initializing", "Initializing"))));
        return true;
    }

    private static String completeReason(GenericKubernetesResource r) {
        if (OperatorSimulator.get(r, "status", "conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> m && "Complete".equals(m.get("type"))) {
                    return (String) m.get("reason");
                }
            }
        }
        return null;
    }

    private static boolean conditionTrue(GenericKubernetesResource r, String type) {
        if (OperatorSimulator.get(r, "status", "conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
                    return "True".equals(m.get("status"));
                }
            }
        }
        return false;
    }

    /** A condition as mariadb-operator writes it ({@code meta.SetStatusCondition}): no observedGeneration. */
    private static Map<String, Object> condition(String type, boolean status, String reason, String message) {
        return OperatorSimulator.condition(type, status, reason, message);
    }

    // --- CloudNativePG and the Barman Cloud plugin ---------------------------------------------------------------

    /**
     * A {@code Backup} through its phases (api/v1/backup_types.go, backup_funcs.go {@code SetAs*}), as
     * internal/controller/backup_controller.go and, for {@code method: plugin},
     * pkg/management/postgres/webserver/plugin_backup.go drive it:
     * <ul>
     * <li>the Cluster does not exist: {@code pending} (getCluster: "Unknown cluster", requeued);</li>
     * <li>the Cluster is hibernated: {@code failed}, "cannot backup a hibernated cluster"; it has no
     * {@code spec.plugins}: {@code failed}, "cannot proceed with the backup as the cluster has no plugin configured"
     * (flagMissingPrerequisite);</li>
     * <li>the target pod is not ready: {@code pending} ("Backup target pod not ready");</li>
     * <li>otherwise {@code started} (SetAsStarted: instanceID, method, reconciliationStartedAt), and after the
     * delay the plugin's backup (plugin-barman-cloud internal/cnpgi/instance/backup.go {@code Backup}): its
     * ObjectStore (the Cluster's plugin parameter {@code barmanObjectName}) must exist, and so must the Secret of its
     * {@code s3Credentials}, else {@code failed} with the client's error, as the gRPC call returns it; then
     * {@code completed} with Barman's {@code backupId} and {@code backupName}, and the ObjectStore's
     * {@code status.serverRecoveryWindow[<serverName>]} refreshed (recovery_window.go {@code updateRecoveryWindow}).</li>
     * </ul>
     */
    private void cloudNativePgBackup(GenericKubernetesResource b) {
        String phase = (String) OperatorSimulator.get(b, "status", "phase");
        if ("completed".equals(phase) || "failed".equals(phase) || !settled(key(b, "seen"))) {
            return;
        }
        String ns = b.getMetadata().getNamespace();
        String clusterName = (String) OperatorSimulator.get(b, "spec", "cluster", "name");
        GenericKubernetesResource cluster = client.genericKubernetesResources("postgresql.cnpg.io/v1", "Cluster")
                .inNamespace(ns).withName(clusterName).get();
        Map<String, Object> status = new LinkedHashMap<>();
        if (cluster == null) {
            status.put("phase", "pending");
            writeStatus(b, status);
            return;
        }
        if (phase == null || "pending".equals(phase)) {
            Map<String, String> annotations = cluster.getMetadata().getAnnotations();
            if (annotations != null && "on".equals(annotations.get("cnpg.io/hibernation"))) {
                fail(b, "cannot backup a hibernated cluster");
                return;
            }
            if (!(OperatorSimulator.get(cluster, "spec", "plugins") instanceof List<?> plugins) || plugins.isEmpty()) {
                fail(b, "cannot proceed with the backup as the cluster has no plugin configured");
                return;
            }
            if (!OperatorSimulator.PHASE_HEALTHY.equals(OperatorSimulator.get(cluster, "status", "phase"))) {
                status.put("phase", "pending");
                writeStatus(b, status);
                return;
            }
            status.put("phase", "started");
            status.put("method", "plugin");
            status.put("instanceID", Map.of("podName", clusterName + "-1"));
            status.put("reconciliationStartedAt", now());
            writeStatus(b, status);
            return;
        }
        if (!settled(key(b, "started"))) {
            return;
        }
        String store = pluginParameter(cluster, BARMAN_CLOUD, "barmanObjectName");
        GenericKubernetesResource objectStore = store == null ? null
                : client.genericKubernetesResources("barmancloud.cnpg.io/v1", "ObjectStore").inNamespace(ns).withName(store).get();
        if (objectStore == null) {
            fail(b, "rpc error: code = Unknown desc = objectstores.barmancloud.cnpg.io \"" + store + "\" not found");
            return;
        }
        Object secret = OperatorSimulator.get(objectStore, "spec", "configuration", "s3Credentials", "accessKeyId", "name");
        if (secret != null && client.secrets().inNamespace(ns).withName((String) secret).get() == null) {
            fail(b, "rpc error: code = Unknown desc = while getting secret " + secret + ": secrets \"" + secret + "\" not found");
            return;
        }
        String serverParameter = pluginParameter(cluster, BARMAN_CLOUD, "serverName");
        String serverName = serverParameter == null ? clusterName : serverParameter;
        Instant begin = Instant.parse((String) OperatorSimulator.get(b, "status", "reconciliationStartedAt"));
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String id = BARMAN_ID.format(begin);
        String folder = OperatorSimulator.get(objectStore, "spec", "configuration", "destinationPath") + "/" + serverName;
        List<BarmanBackup> backups = catalogue.computeIfAbsent(folder, k -> new ArrayList<>());
        synchronized (backups) {
            if (backups.stream().noneMatch(x -> x.id().equals(id))) {
                backups.add(new BarmanBackup(id, begin, end));
            }
        }
        status.putAll(b.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? castMap(m) : Map.of());
        status.put("phase", "completed");
        status.put("backupId", id);
        status.put("backupName", "backup-" + id);
        status.put("serverName", serverName);
        status.put("startedAt", begin.toString());
        status.put("stoppedAt", end.toString());
        status.put("online", true);
        status.put("reconciliationTerminatedAt", now());
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("firstRecoverabilityPoint", backups.get(0).end().toString());
        window.put("lastSuccessfulBackupTime", end.toString());
        client.genericKubernetesResources("barmancloud.cnpg.io/v1", "ObjectStore").inNamespace(ns).withName(store).editStatus(o -> {
            Map<String, Object> st = o.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? castMap(m) : new LinkedHashMap<>();
            Map<String, Object> windows = st.get("serverRecoveryWindow") instanceof Map<?, ?> w ? castMap(w) : new LinkedHashMap<>();
            windows.put(serverName, window);
            st.put("serverRecoveryWindow", windows);
            o.setAdditionalProperty("status", st);
            return o;
        });
        writeStatus(b, status);
    }

    /**
     * Whether a Cluster bootstrapped by {@code bootstrap.recovery} is still being recovered: CloudNativePG first runs
     * the {@code <instance>-full-recovery} Job (pkg/specs/jobs.go {@code CreatePrimaryJobViaRecovery}; the phase
     * stays "Setting up primary"), which restores through the plugin (plugin-barman-cloud
     * internal/cnpgi/restore: the ObjectStore named by the {@code externalClusters} entry's {@code barmanObjectName},
     * the base backup {@code backupID} or the newest one ended before {@code targetTime} in the folder of its
     * {@code serverName}), then replays WAL. That takes three delays here; while the source has no such backup the
     * Job fails and is retried, so the Cluster never gets its primary.
     */
    boolean recovering(GenericKubernetesResource cluster) {
        if (!(OperatorSimulator.get(cluster, "spec", "bootstrap", "recovery") instanceof Map<?, ?> recovery)) {
            return false;
        }
        if (OperatorSimulator.get(cluster, "status", "instanceNames") instanceof List<?> names && !names.isEmpty()) {
            return false; // recovered: the primary exists
        }
        if (!recoverable(cluster, castMap(recovery))) {
            return true;
        }
        return !settled(key(cluster, "recovery"), delay.multipliedBy(3));
    }

    /** Whether the recovery source of a Cluster has the base backup its recovery target needs. */
    private boolean recoverable(GenericKubernetesResource cluster, Map<String, Object> recovery) {
        String source = (String) recovery.get("source");
        Map<String, Object> external = null;
        if (OperatorSimulator.get(cluster, "spec", "externalClusters") instanceof List<?> list) {
            for (Object e : list) {
                if (e instanceof Map<?, ?> m && source != null && source.equals(m.get("name"))) {
                    external = castMap(m);
                }
            }
        }
        if (external == null || !(external.get("plugin") instanceof Map<?, ?> plugin) || !(plugin.get("parameters") instanceof Map<?, ?> params)) {
            return false;
        }
        GenericKubernetesResource store = client.genericKubernetesResources("barmancloud.cnpg.io/v1", "ObjectStore")
                .inNamespace(cluster.getMetadata().getNamespace()).withName(String.valueOf(params.get("barmanObjectName"))).get();
        if (store == null) {
            return false;
        }
        Object serverName = params.get("serverName") == null ? cluster.getMetadata().getName() : params.get("serverName");
        List<BarmanBackup> backups = catalogue.getOrDefault(OperatorSimulator.get(store, "spec", "configuration", "destinationPath")
                + "/" + serverName, List.of());
        Map<?, ?> target = recovery.get("recoveryTarget") instanceof Map<?, ?> t ? t : Map.of();
        synchronized (backups) {
            if (target.get("backupID") != null) {
                return backups.stream().anyMatch(x -> x.id().equals(target.get("backupID")));
            }
            if (target.get("targetTime") != null) {
                Instant t = Instant.parse(String.valueOf(target.get("targetTime")));
                return backups.stream().anyMatch(x -> !x.end().isAfter(t));
            }
            return !backups.isEmpty();
        }
    }

    /** The bootstrap's {@code database} or {@code owner}, from {@code initdb} or {@code recovery}. */
    static String bootstrap(GenericKubernetesResource cluster, String field) {
        Object initdb = OperatorSimulator.get(cluster, "spec", "bootstrap", "initdb", field);
        return initdb != null ? (String) initdb : (String) OperatorSimulator.get(cluster, "spec", "bootstrap", "recovery", field);
    }

    private static String pluginParameter(GenericKubernetesResource cluster, String plugin, String parameter) {
        if (OperatorSimulator.get(cluster, "spec", "plugins") instanceof List<?> plugins) {
            for (Object p : plugins) {
                if (p instanceof Map<?, ?> m && plugin.equals(m.get("name")) && m.get("parameters") instanceof Map<?, ?> params) {
                    return (String) params.get(parameter);
                }
            }
        }
        return null;
    }

    /** {@code SetAsFailed}: phase failed, the error, reconciliationTerminatedAt. */
    private void fail(GenericKubernetesResource b, String error) {
        Map<String, Object> status = new LinkedHashMap<>(b.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? castMap(m) : Map.of());
        status.put("phase", "failed");
        status.put("error", error);
        status.put("reconciliationTerminatedAt", now());
        writeStatus(b, status);
    }

    // --- plumbing ------------------------------------------------------------------------------------------------

    private List<GenericKubernetesResource> list(String apiVersion, String kind) {
        return new ArrayList<>(client.genericKubernetesResources(apiVersion, kind).inAnyNamespace().list().getItems());
    }

    private boolean settled(String key) {
        return settled(key, delay);
    }

    private boolean settled(String key, Duration after) {
        Instant first = firstSeen.computeIfAbsent(key, k -> Instant.now());
        return Duration.between(first, Instant.now()).compareTo(after) >= 0;
    }

    private static String key(GenericKubernetesResource r, String what) {
        return r.getKind() + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName() + "/" + r.getMetadata().getUid() + "/" + what;
    }

    /** As {@link OperatorSimulator}: conditions keep their {@code lastTransitionTime} while unchanged. */
    private void writeStatus(GenericKubernetesResource r, Map<String, Object> status) {
        OperatorSimulator.writeStatus(client, r, status);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return new LinkedHashMap<>((Map<String, Object>) m);
    }
}
