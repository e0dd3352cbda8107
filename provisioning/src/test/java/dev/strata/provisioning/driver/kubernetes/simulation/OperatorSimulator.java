package dev.strata.provisioning.driver.kubernetes.simulation;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
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

    // --- mariadb-operator ------------------------------------------------------------------------------------

    private void mariaDb(GenericKubernetesResource m) {
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
