package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.driver.DriverPlace;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster.Target;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Redis through the OpsTree redis-operator: a standalone {@code redis.redis.opstreelabs.in/v1beta2 Redis} whose
 * password comes from a Secret Strata writes ({@code kubernetesConfig.redisSecret}). The operator reports no
 * readiness on the resource (its status is empty), so readiness is its StatefulSet carrying the current spec and
 * rolled out ({@link #notReadyReason}). Sleep: the operator is paused with its
 * {@code redis.opstreelabs.in/skip-reconcile} annotation and the StatefulSet scaled to zero; waking removes the
 * annotation and the operator scales it back. Delete: the operator puts its {@code redisFinalizer} on the resource
 * (internal/controller/redis/redis_controller.go) and removes it only after deleting the data volume
 * {@code <name>-<name>-0} (internal/k8sutils/finalizer.go {@code HandleRedisFinalizer}/{@code finalizeRedisPVC},
 * as {@code storage.keepAfterDelete} is false); the StatefulSet goes with the resource (owner reference).
 * <p>
 * No backups: the operator has none (below, {@link #backupsUnavailable}), and Strata does not make up its own.
 */
@ApplicationScoped
@DriverPlace("kubernetes")
public class RedisOperatorDriver extends OperatorDriver implements BackupCapability {

    /**
     * Why: the {@code Redis} resource has no backup or restore fields and no controller of the operator takes or
     * restores one; the repository's only backup story is an example Job that runs a script beside the operator
     * (example/v1beta2/backup_restore), which is not an API Strata could drive and check.
     */
    static final String NO_BACKUPS = "the OpsTree redis-operator that runs Redis in Kubernetes mode has no backup support"
            + " (its Redis resource has no backup or restore fields and no controller takes or restores backups), so Redis"
            + " databases here cannot be backed up, restored or branched; run Strata in local mode for Redis backups";

    public static final ResourceKind REDIS = new ResourceKind("redis.redis.opstreelabs.in", "v1beta2", "redis", "Redis");
    public static final String SKIP_RECONCILE = "redis.opstreelabs.in/skip-reconcile";

    public RedisOperatorDriver() {
    }

    public RedisOperatorDriver(KubernetesCluster cluster) {
        super(cluster);
    }

    @Override
    protected Engine engine() {
        return Engine.REDIS;
    }

    @Override
    protected String defaultVersions() {
        return "7.0.15";
    }

    @Override
    protected ResourceKind kind() {
        return REDIS;
    }

    static String authSecret(Target t) {
        return t.name() + "-auth";
    }

    @Override
    protected Map<String, String> annotations(InstanceSpec spec) {
        Map<String, String> a = new HashMap<>();
        a.put(SKIP_RECONCILE, spec.sleeping() ? "true" : null);
        return a;
    }

    @Override
    protected Map<String, Map<String, String>> ownSecrets(InstanceSpec spec, Target t) {
        return Map.of(authSecret(t), Map.of("password", spec.password()));
    }

    @Override
    protected JsonObject spec(InstanceSpec spec, Target t) {
        return Json.obj(
                "kubernetesConfig", Json.obj(
                        "image", image(spec),
                        "imagePullPolicy", "IfNotPresent",
                        "resources", resources(spec),
                        "redisSecret", Json.obj("name", authSecret(t), "key", "password")),
                "storage", Json.obj("volumeClaimTemplate", Json.obj("spec", Json.obj(
                        "accessModes", Json.arr("ReadWriteOnce"),
                        "storageClassName", storageClass(spec),
                        "resources", Json.obj("requests", Json.obj("storage", storageSize(spec)))))));
    }

    @Override
    protected void afterApply(JsonObject redis, InstanceSpec spec, Target t) {
        if (spec.sleeping()) {
            scaleToZero(t, t.name());
        }
    }

    /** The StatefulSet's pods and claims carry its stable labels (internal/k8sutils/labels.go {@code getRedisStableLabels}). */
    @Override
    protected String volumeSelector(Target t) {
        return "app=" + t.name() + ",redis_setup_type=standalone";
    }

    /**
     * Null when the Redis serves its current spec. The resource has no status, and the operator rolls its
     * StatefulSet (default update strategy RollingUpdate): during a rollout the old pod is still ready, and
     * before the operator got to a new spec the StatefulSet is fully rolled out with the old one. So ready means:
     * <ul>
     * <li>the StatefulSet carries the current spec: its container named after the resource (internal/k8sutils
     * statefulset.go {@code generateContainerDef}) has {@code kubernetesConfig.image} and
     * {@code kubernetesConfig.resources};</li>
     * <li>it is rolled out, as the operator's own {@code IsStatefulSetReady} (internal/k8sutils/statefulset.go)
     * judges it: {@code observedGeneration} equal to the generation, {@code currentRevision} equal to
     * {@code updateRevision}, {@code updatedReplicas} and {@code readyReplicas} equal to {@code spec.replicas}
     * (at least one).</li>
     * </ul>
     */
    @Override
    protected String notReadyReason(JsonObject redis, InstanceSpec spec, Target t) {
        String prefix = "Redis " + t.name() + ": ";
        Optional<JsonObject> found = statefulSet(t, t.name());
        if (found.isEmpty()) {
            return prefix + "waiting for the operator to create StatefulSet " + t.name();
        }
        JsonObject sts = found.get();
        Optional<JsonObject> container = Json.at(sts, "spec", "template", "spec").filter(JsonElement::isJsonObject)
                .flatMap(p -> container(p.getAsJsonObject(), t.name()));
        String image = Json.string(redis, "spec", "kubernetesConfig", "image").orElse(null);
        String running = container.flatMap(c -> Json.string(c, "image")).orElse(null);
        String outdated = image != null && !image.equals(running) ? "image " + running + ", wanted " + image
                : resourcesDiffer(Json.at(redis, "spec", "kubernetesConfig", "resources").orElse(null),
                        container.flatMap(c -> Json.at(c, "resources")).orElse(null));
        if (outdated != null) {
            return prefix + "StatefulSet " + t.name() + " has the previous spec (" + outdated + "); waiting for the operator";
        }
        return rolledOut(sts) ? null : prefix + "rolling out StatefulSet " + t.name() + " (" + rollout(sts) + ")";
    }

    @Override
    protected String notAsleepReason(JsonObject redis, InstanceSpec spec, Target t) {
        long ready = statefulSet(t, t.name()).map(s -> readyReplicas(s)).orElse(0L);
        return ready == 0 ? null : "Redis " + t.name() + ": stopping (" + ready + " pod(s) still ready)";
    }

    @Override
    protected ConnectionInfo connection(InstanceSpec spec, Target t) {
        // the Service named like the Redis (internal/k8sutils/redis-standalone.go CreateStandaloneService)
        String host = serviceHost(t, t.name());
        int port = 6379;
        String uri = "redis://default:" + enc(spec.password()) + "@" + host + ":" + port + "/0";
        return new ConnectionInfo(uri, "default", spec.password(), host, port, "0", null);
    }

    @Override
    public String backupsUnavailable() {
        return NO_BACKUPS;
    }

    @Override
    public TakenBackup backup(InstanceSpec spec, BackupJob job) {
        throw new IllegalStateException(NO_BACKUPS);
    }

    @Override
    public void restore(InstanceSpec target, RestoreJob job) {
        throw new IllegalStateException(NO_BACKUPS);
    }

    /** Nothing was ever stored by this driver. */
    @Override
    public void deleteBackup(RestoreJob backup) {
    }
}
