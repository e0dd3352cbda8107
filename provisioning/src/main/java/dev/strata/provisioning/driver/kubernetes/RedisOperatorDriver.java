package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonObject;
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
 * readiness on the resource, so readiness is its StatefulSet's {@code readyReplicas}. Sleep: the operator is paused
 * with its {@code redis.opstreelabs.in/skip-reconcile} annotation and the StatefulSet scaled to zero; waking removes
 * the annotation and the operator scales it back.
 */
@ApplicationScoped
@DriverPlace("kubernetes")
public class RedisOperatorDriver extends OperatorDriver {

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

    @Override
    protected String notReadyReason(JsonObject redis, InstanceSpec spec, Target t) {
        Optional<JsonObject> sts = statefulSet(t, t.name());
        if (sts.isEmpty()) {
            return "Redis " + t.name() + ": waiting for the operator to create StatefulSet " + t.name();
        }
        long ready = readyReplicas(sts.get());
        return ready >= 1 && Json.statusCurrent(sts.get()) ? null : "Redis " + t.name() + ": StatefulSet " + t.name() + " has no ready pod yet";
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
}
