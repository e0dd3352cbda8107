package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.shared.UnavailableException;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster.Target;
import io.kubernetes.client.custom.Quantity;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A database as one operator custom resource. Each pass writes Strata's intent (the resource's spec, labels and
 * annotations, and the Secrets Strata owns) only where the cluster does not already have it, then reads the
 * operator's status. Nothing is remembered between calls: the API server holds the state, so every step is safe
 * to repeat after a crash. Refusals of the API server become the database's status message.
 */
public abstract class OperatorDriver implements EngineDriver {

    @Inject
    protected KubernetesCluster cluster;

    protected OperatorDriver() {
    }

    protected OperatorDriver(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    protected abstract Engine engine();

    /** The versions offered unless {@code STRATA_K8S_VERSIONS_<ENGINE>} says otherwise, newest first. */
    protected abstract String defaultVersions();

    /**
     * The image unless {@code STRATA_K8S_IMAGE_<ENGINE>} says otherwise: the engine's repository in
     * {@link PinnedImages} with {@code {tag}}, replaced by the version's pinned tag.
     */
    protected String defaultImage() {
        return PinnedImages.repository(engine()) + ":{tag}";
    }

    protected abstract ResourceKind kind();

    /** The resource's {@code spec} for this database (sleeping or awake). */
    protected abstract JsonObject spec(InstanceSpec spec, Target target);

    /** Annotations Strata sets; a null value means "must not be there" (removed by the merge patch). */
    protected Map<String, String> annotations(InstanceSpec spec) {
        return Map.of();
    }

    /** Secrets Strata writes before the resource, by name. */
    protected Map<String, Map<String, String>> ownSecrets(InstanceSpec spec, Target target) {
        return Map.of();
    }

    /**
     * Secrets the operator writes for this resource, removed with the database once the resource is gone (where
     * the operator's finalizer or the garbage collector has not removed them already).
     */
    protected List<String> operatorSecrets(Target target) {
        return List.of();
    }

    /** Finalizers Strata puts on the resource, asking its operator to clean up before it goes (none by default). */
    protected List<String> finalizers() {
        return List.of();
    }

    /**
     * The labels ({@code key=value,...}) of the PersistentVolumeClaims the operator (or its StatefulSet) makes for
     * this resource: the database's volumes, which must be gone before a delete is done.
     */
    protected abstract String volumeSelector(Target target);

    /** Null when the server is up and answering, else why not (for the status message). */
    protected abstract String notReadyReason(JsonObject resource, InstanceSpec spec, Target target);

    /** Null when the server is stopped with its data kept, else what is still under way. */
    protected abstract String notAsleepReason(JsonObject resource, InstanceSpec spec, Target target);

    /** Objects the resource refers to, written before it at every pass (e.g. where its backups go). */
    protected void beforeApply(InstanceSpec spec, Target target) {
    }

    /** Removes what {@link #beforeApply} wrote for this database alone; called by {@link #delete} once the resource is gone. */
    protected void deleteDependents(InstanceSpec spec, Target target) {
    }

    /**
     * Fields of the spec written only when the resource is created, never compared or patched afterwards: how the
     * operator initialises the data ({@code bootstrap} of CloudNativePG), which it refuses to change and which a
     * restore sets otherwise than a new database.
     */
    protected List<String> creationOnlyFields() {
        return List.of();
    }

    /** Work after the resource is written, e.g. scaling a paused operator's StatefulSet down. */
    protected void afterApply(JsonObject resource, InstanceSpec spec, Target target) {
    }

    /** How clients connect, from the database's own fields or the operator's Secret. */
    protected abstract ConnectionInfo connection(InstanceSpec spec, Target target);

    @Override
    public List<EngineOffer> offers() {
        return List.of(new EngineOffer(engine(), cluster.config().kubernetesVersions(engine().wireName(), defaultVersions())));
    }

    @Override
    public boolean needsPort() {
        return false;
    }

    /**
     * The image of the database's version: {@code STRATA_K8S_IMAGE_<ENGINE>} or {@link #defaultImage()}, with
     * {@code {version}} replaced by the version and {@code {tag}} by its full tag from {@link PinnedImages}. A
     * version without a pinned tag (offered through {@code STRATA_K8S_VERSIONS_<ENGINE>}) is refused rather than
     * written with a rolling tag.
     */
    protected String image(InstanceSpec spec) {
        String image = cluster.config().kubernetesImage(engine().wireName(), spec.version(), defaultImage());
        if (!image.contains("{tag}")) {
            return image;
        }
        PinnedImages.Pin pin = PinnedImages.of(engine(), spec.version()).orElseThrow(() -> new KubernetesFailure(422,
                "no image is pinned for " + engine().wireName() + " " + spec.version() + " (pinned: "
                        + String.join(", ", PinnedImages.versions(engine())) + "); set STRATA_K8S_IMAGE_"
                        + engine().wireName().toUpperCase(java.util.Locale.ROOT) + " to an image with a full tag", null));
        return image.replace("{tag}", pin.tag());
    }

    /** The whole resource as Strata creates it. */
    public JsonObject desired(InstanceSpec spec) {
        Target t = cluster.target(spec);
        Map<String, String> annotations = new LinkedHashMap<>(annotations(spec));
        annotations.values().removeIf(v -> v == null);
        List<String> finalizers = finalizers();
        return Json.obj("apiVersion", kind().apiVersion(), "kind", kind().kind(),
                "metadata", Json.obj("name", t.name(), "namespace", t.namespace(), "labels", cluster.labels(spec),
                        "annotations", annotations.isEmpty() ? null : annotations,
                        "finalizers", finalizers.isEmpty() ? null : Json.arr(finalizers.toArray())),
                "spec", spec(spec, t));
    }

    @Override
    public InstanceObservation ensureRunning(InstanceSpec spec) {
        try {
            Target t = cluster.target(spec);
            Applied applied = apply(spec, t);
            if (applied.written()) {
                return InstanceObservation.notReady(kind().kind() + " " + t.name() + " written, waiting for its operator");
            }
            String reason = notReadyReason(applied.resource(), spec, t);
            return reason == null ? InstanceObservation.ready(null) : InstanceObservation.notReady(reason);
        } catch (KubernetesFailure e) {
            return InstanceObservation.failed(e.getMessage());
        }
    }

    @Override
    public InstanceObservation observe(InstanceSpec spec) {
        try {
            Target t = cluster.target(spec);
            Optional<JsonObject> resource = cluster.api().get(kind(), t.namespace(), t.name());
            if (resource.isEmpty()) {
                return InstanceObservation.notReady(kind().kind() + " " + t.name() + " is missing from namespace " + t.namespace());
            }
            String reason = notReadyReason(resource.get(), spec, t);
            return reason == null ? InstanceObservation.ready(null) : InstanceObservation.notReady(reason);
        } catch (KubernetesFailure e) {
            return InstanceObservation.failed(e.getMessage());
        }
    }

    @Override
    public InstanceObservation stop(InstanceSpec spec) {
        try {
            Target t = cluster.target(spec);
            Applied applied = apply(spec, t);
            String reason = applied.written() ? kind().kind() + " " + t.name() + " written, waiting for its operator to stop it"
                    : notAsleepReason(applied.resource(), spec, t);
            return reason == null ? InstanceObservation.stoppedOnPurpose() : InstanceObservation.notReady(reason);
        } catch (KubernetesFailure e) {
            return InstanceObservation.failed(e.getMessage());
        }
    }

    /**
     * Removes the resource, then every Secret of the database, and returns only when nothing of it is left. A
     * delete of the resource is only a request: while an operator's finalizer holds it (OpsTree's
     * {@code redisFinalizer}, PSMDB's {@code percona.com/delete-psmdb-pvc}) the API server keeps it, and the
     * StatefulSets, PersistentVolumeClaims and Secrets the operator made go later, through its finalizer or the
     * garbage collector (owner references). So each call looks again, and fails with what it still waits for
     * (409) until the resource and its volumes ({@link #volumeSelector}) are gone; the reconciler repeats it. The
     * Secrets are removed once the resource is gone, as an operator's finalizer may still read them.
     */
    @Override
    public void delete(InstanceSpec spec) {
        Target t = cluster.target(spec);
        KubernetesApi api = cluster.api();
        api.delete(kind(), t.namespace(), t.name());
        Optional<JsonObject> still = api.get(kind(), t.namespace(), t.name());
        if (still.isPresent()) {
            String holding = Json.at(still.get(), "metadata", "finalizers").filter(JsonElement::isJsonArray)
                    .map(f -> " (finalizers " + f + ")").orElse("");
            throw new KubernetesFailure(409, kind().kind() + " " + t.name() + " in namespace " + t.namespace()
                    + " is still being removed by its operator" + holding, null);
        }
        for (String secret : ownSecrets(spec, t).keySet()) {
            api.delete(ResourceKind.SECRET, t.namespace(), secret);
        }
        for (String secret : operatorSecrets(t)) {
            api.delete(ResourceKind.SECRET, t.namespace(), secret);
        }
        deleteDependents(spec, t);
        List<String> volumes = new ArrayList<>();
        for (JsonObject pvc : api.list(ResourceKind.PERSISTENT_VOLUME_CLAIM, t.namespace(), volumeSelector(t))) {
            volumes.add(Json.string(pvc, "metadata", "name").orElse("?"));
        }
        if (!volumes.isEmpty()) {
            throw new KubernetesFailure(409, kind().kind() + " " + t.name() + " is gone from namespace " + t.namespace()
                    + " but its volumes are not yet: PersistentVolumeClaim " + String.join(", ", volumes)
                    + " (removed by its operator or the garbage collector)", null);
        }
    }

    @Override
    public ConnectionInfo connection(InstanceSpec spec) {
        try {
            return connection(spec, cluster.target(spec));
        } catch (KubernetesFailure e) {
            throw new UnavailableException("connection details cannot be read now: " + e.getMessage());
        }
    }

    /** The resource after a pass, and whether this pass changed it (its status then predates the change). */
    record Applied(JsonObject resource, boolean written) {
    }

    /** Writes the Secrets and the resource where the cluster lacks Strata's intent. */
    Applied apply(InstanceSpec spec, Target t) {
        KubernetesApi api = cluster.api();
        api.ensureNamespace(t.namespace());
        for (Map.Entry<String, Map<String, String>> secret : ownSecrets(spec, t).entrySet()) {
            api.putSecret(t.namespace(), secret.getKey(), secret.getValue(), cluster.labels(spec));
        }
        beforeApply(spec, t);
        Optional<JsonObject> current = api.get(kind(), t.namespace(), t.name());
        JsonObject resource;
        boolean written = true;
        if (current.isEmpty()) {
            resource = api.create(kind(), desired(spec));
        } else {
            JsonArray operations = changes(current.get(), spec, t);
            if (operations.isEmpty()) {
                resource = current.get();
                written = false;
            } else {
                resource = api.jsonPatch(kind(), t.namespace(), t.name(), operations);
            }
        }
        afterApply(resource, spec, t);
        return new Applied(resource, written);
    }

    /**
     * JSON patch operations that put Strata's intent into the resource: each label and annotation that differs is
     * set, an annotation that must go is removed, and the spec is compared field by field (see
     * {@link #specChanges}). Fields the operator added are left alone. Empty when the resource already says
     * everything Strata wants.
     */
    JsonArray changes(JsonObject current, InstanceSpec spec, Target t) {
        JsonArray ops = new JsonArray();
        metadataChanges(ops, current, "labels", new LinkedHashMap<>(cluster.labels(spec)));
        metadataChanges(ops, current, "annotations", new LinkedHashMap<>(annotations(spec)));
        finalizerChanges(ops, current);
        JsonObject wanted = spec(spec, t);
        creationOnlyFields().forEach(wanted::remove);
        Optional<JsonElement> actual = Json.at(current, "spec");
        if (actual.isEmpty() || !actual.get().isJsonObject()) {
            ops.add(Json.obj("op", "add", "path", "/spec", "value", wanted));
            return ops;
        }
        specChanges(ops, new ArrayList<>(List.of("spec")), actual.get().getAsJsonObject(), wanted);
        return ops;
    }

    /**
     * Operations that write the leaves of {@code wanted} that {@code actual} (the object at {@code path}) lacks or
     * has differently. Objects on both sides are descended into, and so are arrays of the same length, element by
     * element, so that only the fields Strata owns are written: operators write into the spec too (defaults such
     * as mariadb-operator's {@code storage.ephemeral}, some of them immutable), and replacing a whole object would
     * remove them. A leaf that is missing is added, one that differs is replaced (so is a whole array whose length
     * differs, or a value whose JSON type differs); a quantity field is compared by value ({@link #quantityField}).
     */
    private void specChanges(JsonArray ops, List<String> path, JsonObject actual, JsonObject wanted) {
        for (Map.Entry<String, JsonElement> field : wanted.entrySet()) {
            path.add(field.getKey());
            specChange(ops, path, actual.get(field.getKey()), field.getValue());
            path.remove(path.size() - 1);
        }
    }

    private void specChange(JsonArray ops, List<String> path, JsonElement actual, JsonElement wanted) {
        boolean present = actual != null && !actual.isJsonNull();
        if (wanted == null || wanted.isJsonNull()) {
            if (present) {
                ops.add(Json.obj("op", "remove", "path", pointer(path)));
            }
        } else if (present && wanted.isJsonObject() && actual.isJsonObject()) {
            specChanges(ops, path, actual.getAsJsonObject(), wanted.getAsJsonObject());
        } else if (present && wanted.isJsonArray() && actual.isJsonArray()
                && wanted.getAsJsonArray().size() == actual.getAsJsonArray().size()) {
            for (int i = 0; i < wanted.getAsJsonArray().size(); i++) {
                path.add(Integer.toString(i));
                specChange(ops, path, actual.getAsJsonArray().get(i), wanted.getAsJsonArray().get(i));
                path.remove(path.size() - 1);
            }
        } else if (!present) {
            ops.add(Json.obj("op", "add", "path", pointer(path), "value", wanted));
        } else if (!sameLeaf(path, actual, wanted)) {
            ops.add(Json.obj("op", "replace", "path", pointer(path), "value", wanted));
        }
    }

    /** Whether two values at {@code path} say the same: equal primitives, or equal amounts in a quantity field. */
    private boolean sameLeaf(List<String> path, JsonElement actual, JsonElement wanted) {
        if (!actual.isJsonPrimitive() || !wanted.isJsonPrimitive()) {
            return false; // different JSON types, or arrays of different lengths
        }
        String have = actual.getAsString();
        String want = wanted.getAsString();
        if (have.equals(want)) {
            return true;
        }
        return quantityField(path) && actual.getAsJsonPrimitive().isString() && wanted.getAsJsonPrimitive().isString()
                && sameQuantity(have, want);
    }

    /**
     * Whether the field at {@code path} (keys from the resource's root, e.g. {@code spec, storage, size}; array
     * indexes as numbers) holds a Kubernetes quantity that an operator may rewrite into canonical form
     * ({@code 0.5} into {@code 500m}, {@code 1024Mi} into {@code 1Gi}): the amounts of a
     * {@code resources.requests} or {@code resources.limits} (cpu, memory, storage of a claim template) and a
     * {@code storage.size}. Only these are compared by value; any other string must match exactly.
     */
    protected boolean quantityField(List<String> path) {
        int n = path.size();
        if (n >= 3 && path.get(n - 3).equals("resources") && (path.get(n - 2).equals("requests") || path.get(n - 2).equals("limits"))) {
            return true;
        }
        return n >= 2 && path.get(n - 2).equals("storage") && path.get(n - 1).equals("size");
    }

    /** Whether two texts are Kubernetes quantities of the same amount; false if either does not parse as one. */
    static boolean sameQuantity(String a, String b) {
        try {
            return new Quantity(a).getNumber().compareTo(new Quantity(b).getNumber()) == 0;
        } catch (RuntimeException notAQuantity) {
            return false;
        }
    }

    private static void metadataChanges(JsonArray ops, JsonObject current, String field, Map<String, String> wanted) {
        Optional<JsonElement> existing = Json.at(current, "metadata", field).filter(JsonElement::isJsonObject);
        if (existing.isEmpty()) {
            wanted.values().removeIf(v -> v == null);
            if (!wanted.isEmpty()) {
                ops.add(Json.obj("op", "add", "path", "/metadata/" + field, "value", Json.element(wanted)));
            }
            return;
        }
        JsonObject have = existing.get().getAsJsonObject();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            JsonElement now = have.get(e.getKey());
            String path = "/metadata/" + field + "/" + pointer(e.getKey());
            if (e.getValue() == null) {
                if (now != null) {
                    ops.add(Json.obj("op", "remove", "path", path));
                }
            } else if (now == null || !now.isJsonPrimitive() || !now.getAsString().equals(e.getValue())) {
                ops.add(Json.obj("op", "add", "path", path, "value", e.getValue()));
            }
        }
    }

    /** Adds the finalizers of {@link #finalizers} the resource lacks; those of the operator are left alone. */
    private void finalizerChanges(JsonArray ops, JsonObject current) {
        List<String> wanted = finalizers();
        if (wanted.isEmpty()) {
            return;
        }
        Optional<JsonElement> existing = Json.at(current, "metadata", "finalizers").filter(JsonElement::isJsonArray);
        if (existing.isEmpty()) {
            ops.add(Json.obj("op", "add", "path", "/metadata/finalizers", "value", Json.arr(wanted.toArray())));
            return;
        }
        for (String finalizer : wanted) {
            if (!existing.get().getAsJsonArray().contains(new com.google.gson.JsonPrimitive(finalizer))) {
                ops.add(Json.obj("op", "add", "path", "/metadata/finalizers/-", "value", finalizer));
            }
        }
    }

    /** A JSON pointer token (RFC 6901): '~' and '/' escaped. */
    private static String pointer(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON pointer (RFC 6901) to the field at a path of keys. */
    private static String pointer(List<String> path) {
        StringBuilder p = new StringBuilder();
        for (String key : path) {
            p.append('/').append(pointer(key));
        }
        return p.toString();
    }

    // --- helpers for the engines -----------------------------------------------------------------------------

    /** {@code resources} of a container: requests equal limits (a guaranteed pod), from the database's cpu and memory. */
    protected static JsonObject resources(InstanceSpec spec) {
        JsonObject amounts = Json.obj("cpu", spec.cpu().value(), "memory", spec.memory().value());
        return Json.obj("requests", amounts, "limits", amounts.deepCopy());
    }

    protected static String storageSize(InstanceSpec spec) {
        return spec.storage().gb() + "Gi";
    }

    /** The storage class to write, or null to let the cluster's default apply. */
    protected String storageClass(InstanceSpec spec) {
        String cls = spec.storageClass();
        if (cls == null || !cluster.config().defaultStorageClassConfigured() && cls.equals(cluster.config().defaultStorageClass())) {
            return null;
        }
        return cls;
    }

    /** The StatefulSet an operator made, if it exists yet. */
    protected Optional<JsonObject> statefulSet(Target t, String name) {
        return cluster.api().get(ResourceKind.STATEFUL_SET, t.namespace(), name);
    }

    /** {@code spec.replicas} of a StatefulSet: how many pods it is asked for. */
    protected static long wantedReplicas(JsonObject statefulSet) {
        return Json.number(statefulSet, "spec", "replicas").orElse(0L);
    }

    /** {@code status.readyReplicas} of a StatefulSet: how many pods answer their readiness probe. */
    protected static long readyReplicas(JsonObject statefulSet) {
        return Json.number(statefulSet, "status", "readyReplicas").orElse(0L);
    }

    /**
     * Whether a RollingUpdate StatefulSet runs its current template on all its pods, all of them ready: the
     * StatefulSet controller has seen the spec ({@code status.observedGeneration} equal to
     * {@code metadata.generation}), finished the rollout ({@code status.currentRevision} equal to
     * {@code status.updateRevision}: it sets the current revision to the update revision only once every pod is
     * updated and ready), and {@code updatedReplicas} and {@code readyReplicas} equal {@code spec.replicas}, at
     * least one. {@code readyReplicas} alone is not enough: a pod of the old revision still counts while it
     * terminates. Not for OnDelete StatefulSets, whose {@code currentRevision} never moves.
     */
    protected static boolean rolledOut(JsonObject statefulSet) {
        long replicas = wantedReplicas(statefulSet);
        long generation = Json.number(statefulSet, "metadata", "generation").orElse(0L);
        return replicas >= 1
                && Json.number(statefulSet, "status", "observedGeneration").orElse(-1L) == generation
                && Json.string(statefulSet, "status", "updateRevision").isPresent()
                && Json.string(statefulSet, "status", "currentRevision").equals(Json.string(statefulSet, "status", "updateRevision"))
                && Json.number(statefulSet, "status", "updatedReplicas").orElse(0L) == replicas
                && readyReplicas(statefulSet) == replicas;
    }

    /** A StatefulSet's rollout in words, for a status message. */
    protected static String rollout(JsonObject statefulSet) {
        long replicas = wantedReplicas(statefulSet);
        return Json.number(statefulSet, "status", "updatedReplicas").orElse(0L) + "/" + replicas + " updated, "
                + readyReplicas(statefulSet) + "/" + replicas + " ready, revision "
                + Json.string(statefulSet, "status", "currentRevision").orElse("none") + " -> "
                + Json.string(statefulSet, "status", "updateRevision").orElse("none");
    }

    /**
     * What differs between the {@code resources} an operator was asked for ({@code wanted}: the amounts in the
     * custom resource's spec) and those of a container it runs ({@code actual}), compared by value; null when
     * every requested and limited amount of {@code wanted} is in {@code actual}. Operators copy the spec's
     * resources into the pods they make, so a difference means the pod still runs an earlier spec.
     */
    protected static String resourcesDiffer(JsonElement wanted, JsonElement actual) {
        if (wanted == null || !wanted.isJsonObject()) {
            return null;
        }
        for (String list : List.of("requests", "limits")) {
            Optional<JsonElement> amounts = Json.at(wanted.getAsJsonObject(), list).filter(JsonElement::isJsonObject);
            if (amounts.isEmpty()) {
                continue;
            }
            for (Map.Entry<String, JsonElement> amount : amounts.get().getAsJsonObject().entrySet()) {
                String want = amount.getValue().getAsString();
                Optional<String> have = actual != null && actual.isJsonObject()
                        ? Json.string(actual.getAsJsonObject(), list, amount.getKey()) : Optional.empty();
                if (have.isEmpty() || !have.get().equals(want) && !sameQuantity(have.get(), want)) {
                    return list + " " + amount.getKey() + " " + have.orElse("unset") + ", wanted " + want;
                }
            }
        }
        return null;
    }

    /** The container named {@code name} in a pod spec ({@code spec.containers}), if there is one. */
    protected static Optional<JsonObject> container(JsonObject podSpec, String name) {
        return Json.at(podSpec, "containers").filter(JsonElement::isJsonArray).flatMap(cs -> {
            for (JsonElement c : cs.getAsJsonArray()) {
                if (c.isJsonObject() && name.equals(Json.string(c.getAsJsonObject(), "name").orElse(null))) {
                    return Optional.of(c.getAsJsonObject());
                }
            }
            return Optional.empty();
        });
    }

    /** Scales a StatefulSet to zero (its operator is paused first, so that it does not scale it back). */
    protected void scaleToZero(Target t, String name) {
        Optional<JsonObject> sts = statefulSet(t, name);
        if (sts.isPresent() && wantedReplicas(sts.get()) != 0) {
            cluster.api().mergePatch(ResourceKind.STATEFUL_SET, t.namespace(), name, Json.obj("spec", Json.obj("replicas", 0)));
        }
    }

    /**
     * The DNS name of a Service of this database that resolves from every namespace: {@code <service>.<namespace>.svc}
     * (the cluster domain, {@code cluster.local} by default, is in every pod's DNS search path). A bare Service
     * name, as CloudNativePG puts in its Secret, resolves only inside the database's own namespace.
     */
    protected static String serviceHost(Target t, String service) {
        return service + "." + t.namespace() + ".svc";
    }

    protected static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
