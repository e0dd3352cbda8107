package dev.strata.provisioning.driver.kubernetes.simulation;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubernetes.client.custom.Quantity;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the four operators (and the StatefulSet controller) against an {@link ApiServerSimulation}, the way the
 * real ones behave as seen through the API: each change of a resource (new, spec changed, sleep asked) is acted
 * on after {@code delay}, status fields are filled in, the Secrets an operator publishes (CloudNativePG's
 * {@code <cluster>-app}) are created, StatefulSets are created and scaled unless the operator is paused.
 * The operators' admission webhooks are registered with the API server: CloudNativePG's defaulting webhook
 * rewrites quantities into canonical form, mariadb-operator's validating webhook refuses a change of an
 * immutable field; mariadb-operator also writes its storage defaults into the spec.
 * It polls (watches do not work against the CRUD mock server).
 */
public final class OperatorSimulator implements AutoCloseable {

    private final KubernetesClient client;
    private final Duration delay;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "operator-simulator");
        t.setDaemon(true);
        return t;
    });
    /** When each observed state (resource + generation + sleep flag) was first seen. */
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile RuntimeException lastError;

    public OperatorSimulator(ApiServerSimulation apiServer, Duration delay) {
        this.client = apiServer.client();
        this.delay = delay;
        apiServer.admission("postgresql.cnpg.io", "clusters", "mcluster.cnpg.io", OperatorSimulator::cloudNativePgDefaulting);
        apiServer.admission("k8s.mariadb.com", "mariadbs", "vmariadb-v1alpha1.kb.io", OperatorSimulator::mariaDbValidation);
        loop.scheduleWithFixedDelay(this::safePass, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** The last failure of a pass (null if none), so a test can tell a broken simulator from a broken Strata. */
    public RuntimeException lastError() {
        return lastError;
    }

    private void safePass() {
        try {
            pass();
            lastError = null;
        } catch (RuntimeException e) {
            lastError = e;
        }
    }

    private void pass() {
        Set<String> owners = new HashSet<>();
        for (GenericKubernetesResource c : list("postgresql.cnpg.io/v1", "Cluster")) {
            cloudNativePg(c);
        }
        for (GenericKubernetesResource m : list("k8s.mariadb.com/v1alpha1", "MariaDB")) {
            owners.add(ns(m) + "/" + name(m));
            mariaDb(m);
        }
        for (GenericKubernetesResource r : list("redis.redis.opstreelabs.in/v1beta2", "Redis")) {
            owners.add(ns(r) + "/" + name(r));
            redis(r);
        }
        for (GenericKubernetesResource p : list("psmdb.percona.com/v1", "PerconaServerMongoDB")) {
            percona(p);
        }
        for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
            if (!owners.contains(sts.getMetadata().getNamespace() + "/" + sts.getMetadata().getName())) {
                // garbage collection: the owner resource is gone
                client.apps().statefulSets().inNamespace(sts.getMetadata().getNamespace()).withName(sts.getMetadata().getName()).delete();
            } else {
                kubelet(sts);
            }
        }
    }

    // --- CloudNativePG ---------------------------------------------------------------------------------------

    private void cloudNativePg(GenericKubernetesResource c) {
        String ns = ns(c);
        String name = name(c);
        boolean hibernate = "on".equals(annotation(c, "cnpg.io/hibernation"));
        boolean settled = settled(c, hibernate);
        String secret = name + "-app";
        if (client.secrets().inNamespace(ns).withName(secret).get() == null && settled(key(c, "secret"))) {
            String owner = (String) get(c, "spec", "bootstrap", "initdb", "owner");
            String db = (String) get(c, "spec", "bootstrap", "initdb", "database");
            String password = password();
            String host = name + "-rw";
            Map<String, String> data = new LinkedHashMap<>();
            data.put("username", owner);
            data.put("password", password);
            data.put("host", host);
            data.put("port", "5432");
            data.put("dbname", db);
            data.put("uri", "postgresql://" + owner + ":" + password + "@" + host + "." + ns + ":5432/" + db);
            data.put("jdbc-uri", "jdbc:postgresql://" + host + "." + ns + ":5432/" + db + "?password=" + password + "&user=" + owner);
            createSecret(ns, secret, data);
        }
        long instances = ((Number) Objects.requireNonNullElse(get(c, "spec", "instances"), 1)).longValue();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("instances", instances);
        if (hibernate) {
            status.put("readyInstances", 0);
            status.put("phase", settled ? "Cluster in hibernation" : "Hibernating");
            status.put("conditions", List.of(condition(c, "cnpg.io/hibernation", settled, settled ? "Hibernated" : "Hibernating",
                    settled ? "Cluster has been hibernated" : "Hibernation in progress"), condition(c, "Ready", false, "Hibernated", "")));
        } else {
            status.put("readyInstances", settled ? instances : 0);
            status.put("phase", settled ? "Cluster in healthy state" : "Setting up primary");
            status.put("conditions", List.of(condition(c, "Ready", settled, settled ? "ClusterIsReady" : "ClusterIsNotReady",
                    settled ? "Cluster is Ready" : "Cluster Is Not Ready"), condition(c, "cnpg.io/hibernation", false, "Running", "")));
        }
        writeStatus(c, status);
    }

    /**
     * CloudNativePG's mutating webhook {@code mcluster.cnpg.io} on create and update of a Cluster
     * (internal/webhook/v1/cluster_webhook.go, {@code ClusterCustomDefaulter.Default}, registered
     * {@code WithDefaulter}). controller-runtime's defaulting handler (pkg/webhook/admission, defaulter_custom.go)
     * decodes the request into the Go {@code apiv1.Cluster}, calls {@code Default()} and answers the JSON patch from
     * the request to the object encoded again, so every {@code resource.Quantity} field comes back canonical:
     * here {@code spec.resources} ({@code corev1.ResourceRequirements}, api/v1/cluster_types.go). The other defaults
     * of {@code SetDefaults} are not simulated. {@code spec.storage.size} is a Go {@code string}
     * ({@code StorageConfiguration.Size}), so the webhook leaves it as written.
     */
    static String cloudNativePgDefaulting(JsonObject old, JsonObject cluster) {
        JsonElement resources = cluster.has("spec") && cluster.get("spec").isJsonObject()
                ? cluster.getAsJsonObject("spec").get("resources") : null;
        if (resources == null || !resources.isJsonObject()) {
            return null;
        }
        for (String list : List.of("requests", "limits")) {
            JsonElement amounts = resources.getAsJsonObject().get(list);
            if (amounts != null && amounts.isJsonObject()) {
                for (Map.Entry<String, JsonElement> amount : amounts.getAsJsonObject().entrySet()) {
                    amount.setValue(new JsonPrimitive(CanonicalQuantity.of(amount.getValue().getAsString())));
                }
            }
        }
        return null;
    }

    // --- mariadb-operator ------------------------------------------------------------------------------------

    /**
     * mariadb-operator's validating webhook {@code vmariadb-v1alpha1.kb.io} on update of a MariaDB
     * (internal/webhook/v1alpha1/mariadb_webhook.go, {@code MariaDBCustomValidator.ValidateUpdate}, which calls
     * pkg/webhook/inmutable_webhook.go {@code InmutableWebhook.ValidateUpdate}). {@code Storage.Ephemeral} is tagged
     * {@code webhook:"inmutableinit"} (api/v1alpha1/mariadb_types.go): once set it cannot change, and removing it
     * is a change ({@code reflect.DeepEqual(nil, ptr(false))} is false). The refusal is {@code apierrors.NewInvalid},
     * which the API server answers with 422 Invalid. Only this check of the webhook is simulated.
     */
    static String mariaDbValidation(JsonObject old, JsonObject mariadb) {
        if (old == null) {
            return null; // ValidateCreate: inmutable fields are not checked on create
        }
        JsonElement was = at(old, "spec", "storage", "ephemeral");
        JsonElement now = at(mariadb, "spec", "storage", "ephemeral");
        if (was == null || Objects.equals(was, now)) {
            return null;
        }
        String name = at(mariadb, "metadata", "name") == null ? "" : at(mariadb, "metadata", "name").getAsString();
        return "MariaDB.k8s.mariadb.com \"" + name + "\" is invalid: spec.storage.ephemeral: Invalid value: \""
                + (now == null ? "null" : now.toString()) + "\": 'spec.storage.ephemeral' field is immutable";
    }

    private static JsonElement at(JsonObject o, String... path) {
        JsonElement e = o;
        for (String key : path) {
            if (e == null || !e.isJsonObject()) {
                return null;
            }
            e = e.getAsJsonObject().get(key);
        }
        return e == null || e.isJsonNull() ? null : e;
    }

    private void mariaDb(GenericKubernetesResource m) {
        setStorageDefaults(m); // the "Spec" phase runs before "Suspend": a suspended MariaDB is defaulted too
        boolean suspended = Boolean.TRUE.equals(get(m, "spec", "suspend"));
        if (suspended) {
            return; // reconciliation suspended: the operator changes nothing
        }
        boolean settled = settled(m, false);
        StatefulSet sts = ensureStatefulSet(ns(m), name(m));
        boolean podReady = sts.getStatus() != null && Objects.requireNonNullElse(sts.getStatus().getReadyReplicas(), 0) >= 1;
        boolean ready = settled && podReady;
        writeStatus(m, Map.of("conditions", List.of(condition(m, "Ready", ready, ready ? "StatefulSetReady" : "StatefulSetNotReady",
                ready ? "Running" : "Not ready"))));
    }

    /**
     * mariadb-operator's first reconcile phase, "Spec" ({@code MariaDBReconciler.setSpecDefaults},
     * internal/controller/mariadb_controller.go), patches the spec with {@code MariaDB.SetDefaults}; for
     * {@code spec.storage} that is {@code Storage.SetDefaults} (api/v1alpha1/mariadb_types.go): {@code ephemeral}
     * false, {@code resizeInUseVolumes} and {@code waitForVolumeResize} true unless ephemeral, and, when
     * {@code shouldUpdateVolumeClaimTemplate} (a size without a template, or one whose storage request or class
     * differs), a {@code volumeClaimTemplate} asking for {@code size} with {@code ReadWriteOnce} and the class.
     * The write goes through the API server and its webhooks like any other. The other defaults of
     * {@code SetDefaults} (TLS, root password, update strategy, ...) are not simulated.
     */
    @SuppressWarnings("unchecked")
    private void setStorageDefaults(GenericKubernetesResource m) {
        if (!(get(m, "spec", "storage") instanceof Map<?, ?> current) || storageDefaults(new LinkedHashMap<>((Map<String, Object>) current)) == null) {
            return;
        }
        client.genericKubernetesResources(m.getApiVersion(), m.getKind()).inNamespace(ns(m)).withName(name(m)).edit(x -> {
            Map<String, Object> spec = (Map<String, Object>) x.getAdditionalProperties().get("spec");
            Map<String, Object> defaulted = storageDefaults(new LinkedHashMap<>((Map<String, Object>) spec.get("storage")));
            if (defaulted != null) {
                spec.put("storage", defaulted);
            }
            return x;
        });
    }

    /** {@code Storage.SetDefaults} applied to {@code storage}, or null when it already has them all. */
    private static Map<String, Object> storageDefaults(Map<String, Object> storage) {
        boolean changed = false;
        if (storage.get("ephemeral") == null) {
            storage.put("ephemeral", false);
            changed = true;
        }
        boolean ephemeral = Boolean.TRUE.equals(storage.get("ephemeral"));
        for (String flag : List.of("resizeInUseVolumes", "waitForVolumeResize")) {
            if (storage.get(flag) == null && !ephemeral) {
                storage.put(flag, true);
                changed = true;
            }
        }
        Object size = storage.get("size");
        if (size != null) {
            String className = (String) storage.get("storageClassName");
            Object template = storage.get("volumeClaimTemplate");
            Object requested = template instanceof Map<?, ?> t && t.get("resources") instanceof Map<?, ?> r
                    && r.get("requests") instanceof Map<?, ?> q ? q.get("storage") : null;
            Object templateClass = template instanceof Map<?, ?> t ? t.get("storageClassName") : null;
            boolean update = requested == null
                    || new Quantity(String.valueOf(size)).getNumber().compareTo(new Quantity(String.valueOf(requested)).getNumber()) != 0
                    || className != null && !className.isEmpty() && !className.equals(templateClass);
            if (update) {
                Map<String, Object> pvc = new LinkedHashMap<>();
                pvc.put("accessModes", List.of("ReadWriteOnce"));
                pvc.put("resources", Map.of("requests", Map.of("storage", CanonicalQuantity.of(String.valueOf(size)))));
                if (className != null && !className.isEmpty()) {
                    pvc.put("storageClassName", className);
                }
                storage.put("volumeClaimTemplate", pvc);
                changed = true;
            }
        }
        return changed ? storage : null;
    }

    // --- OpsTree redis-operator ------------------------------------------------------------------------------

    private void redis(GenericKubernetesResource r) {
        if ("true".equals(annotation(r, "redis.opstreelabs.in/skip-reconcile"))) {
            return;
        }
        if (settled(r, false)) {
            ensureStatefulSet(ns(r), name(r));
        }
    }

    // --- Percona Server for MongoDB --------------------------------------------------------------------------

    private void percona(GenericKubernetesResource p) {
        boolean pause = Boolean.TRUE.equals(get(p, "spec", "pause"));
        boolean settled = settled(p, pause);
        String state = pause ? (settled ? "paused" : "stopping") : (settled ? "ready" : "initializing");
        writeStatus(p, Map.of("state", state, "ready", settled && !pause ? 1 : 0, "size", 1,
                "observedGeneration", p.getMetadata().getGeneration()));
    }

    // --- StatefulSet controller and kubelet ------------------------------------------------------------------

    private StatefulSet ensureStatefulSet(String ns, String name) {
        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(name).get();
        if (sts == null) {
            return client.apps().statefulSets().inNamespace(ns).resource(new StatefulSetBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                    .withNewSpec().withReplicas(1).withServiceName(name).endSpec().build()).create();
        }
        if (!Objects.equals(sts.getSpec().getReplicas(), 1)) {
            return client.apps().statefulSets().inNamespace(ns).withName(name).edit(s -> {
                s.getSpec().setReplicas(1);
                return s;
            });
        }
        return sts;
    }

    private void kubelet(StatefulSet sts) {
        int wanted = Objects.requireNonNullElse(sts.getSpec().getReplicas(), 1);
        int ready = sts.getStatus() == null ? 0 : Objects.requireNonNullElse(sts.getStatus().getReadyReplicas(), 0);
        String key = "sts/" + sts.getMetadata().getNamespace() + "/" + sts.getMetadata().getName() + "/" + wanted;
        if (ready != wanted && settled(key)) {
            client.apps().statefulSets().inNamespace(sts.getMetadata().getNamespace()).withName(sts.getMetadata().getName())
                    .editStatus(s -> {
                        StatefulSetStatus st = s.getStatus() == null ? new StatefulSetStatus() : s.getStatus();
                        st.setReplicas(wanted);
                        st.setReadyReplicas(wanted);
                        st.setObservedGeneration(s.getMetadata().getGeneration());
                        s.setStatus(st);
                        return s;
                    });
        }
    }

    // --- plumbing --------------------------------------------------------------------------------------------

    private List<GenericKubernetesResource> list(String apiVersion, String kind) {
        return new ArrayList<>(client.genericKubernetesResources(apiVersion, kind).inAnyNamespace().list().getItems());
    }

    /** Whether the resource's current spec and sleep flag have been seen for at least the delay. */
    private boolean settled(GenericKubernetesResource r, boolean sleeping) {
        return settled(key(r, r.getMetadata().getGeneration() + "/" + sleeping));
    }

    private boolean settled(String key) {
        Instant first = firstSeen.computeIfAbsent(key, k -> Instant.now());
        return Duration.between(first, Instant.now()).compareTo(delay) >= 0;
    }

    private static String key(GenericKubernetesResource r, String what) {
        return r.getKind() + "/" + ns(r) + "/" + name(r) + "/" + r.getMetadata().getUid() + "/" + what;
    }

    private void writeStatus(GenericKubernetesResource r, Map<String, Object> status) {
        if (normalised(status).equals(normalised(r.getAdditionalProperties().get("status")))) {
            return;
        }
        client.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(ns(r)).withName(name(r))
                .editStatus(x -> {
                    x.setAdditionalProperty("status", status);
                    return x;
                });
    }

    /** Numbers compared by value whatever their Java type (JSON read back gives Integer or Long). */
    private static Object normalised(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> n = new LinkedHashMap<>();
            m.forEach((k, v) -> n.put(String.valueOf(k), normalised(v)));
            return n;
        } else if (o instanceof List<?> l) {
            return l.stream().map(OperatorSimulator::normalised).toList();
        } else if (o instanceof Number n) {
            return n.longValue();
        }
        return o;
    }

    private static Map<String, Object> condition(GenericKubernetesResource r, String type, boolean status, String reason, String message) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("observedGeneration", r.getMetadata().getGeneration());
        c.put("type", type);
        c.put("status", status ? "True" : "False");
        c.put("reason", reason);
        c.put("message", message);
        return c;
    }

    private void createSecret(String ns, String name, Map<String, String> data) {
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .endMetadata().withType("kubernetes.io/basic-auth").withData(encoded).build()).create();
    }

    private String password() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String ns(GenericKubernetesResource r) {
        return r.getMetadata().getNamespace();
    }

    private static String name(GenericKubernetesResource r) {
        return r.getMetadata().getName();
    }

    private static String annotation(GenericKubernetesResource r, String key) {
        Map<String, String> a = r.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    /** The value at a path of keys (and list indexes, e.g. "replsets", "0") in a stored resource, or null. */
    public static Object get(GenericKubernetesResource r, String... path) {
        Object o = r == null ? null : r.getAdditionalProperties();
        for (String p : path) {
            if (o instanceof Map<?, ?> m) {
                o = m.get(p);
            } else if (o instanceof List<?> l && p.matches("\\d+") && Integer.parseInt(p) < l.size()) {
                o = l.get(Integer.parseInt(p));
            } else {
                return null;
            }
        }
        return o;
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
