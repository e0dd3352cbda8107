package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.driver.DriverPlace;
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
 */
@ApplicationScoped
@DriverPlace("kubernetes")
public class MariaDbOperatorDriver extends OperatorDriver {

    public static final ResourceKind MARIADB = new ResourceKind("k8s.mariadb.com", "v1alpha1", "mariadbs", "MariaDB");
    /** {@code ConditionReasonStatefulSetReady} (api/v1alpha1/condition_types.go): Ready with nothing pending. */
    public static final String READY_REASON = "StatefulSetReady";

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
}
