package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.shared.ConflictException;
import dev.strata.provisioning.driver.DriverPlace;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster.Target;
import io.kubernetes.client.custom.Quantity;
import jakarta.enterprise.context.ApplicationScoped;
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
 */
@ApplicationScoped
@DriverPlace("kubernetes")
public class CloudNativePgDriver extends OperatorDriver {

    public static final ResourceKind CLUSTER = new ResourceKind("postgresql.cnpg.io", "v1", "clusters", "Cluster");
    public static final String HIBERNATION = "cnpg.io/hibernation";
    /** {@code PhaseHealthy} of api/v1/cluster_types.go: the phase registered at the end of a loop with nothing left to do. */
    public static final String HEALTHY = "Cluster in healthy state";

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
                "bootstrap", Json.obj("initdb", Json.obj("database", spec.databaseName(), "owner", spec.username())));
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
