package dev.strata.provisioning.driver.kubernetes.simulation;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
 * Neither CloudNativePG nor mariadb-operator writes {@code observedGeneration} on a condition, and neither acts on
 * a new spec at once: for the delay their status stays that of the old spec (a stale Ready=True after a resize),
 * then they roll it out through their own phases and reasons: CloudNativePG recreates its instance Pod and grows
 * its PVC, mariadb-operator resizes storage and replaces the pod of its OnDelete StatefulSet.
 * OpsTree's Redis rolls its RollingUpdate StatefulSet, the old pod still ready while it terminates, and holds a
 * deleted Redis with its finalizer until it removed the data volume; PSMDB creates {@code spec.users} only a while
 * after its state is ready (and fails as v1.22.0 does on a user name too long for its annotation key), makes its
 * Secrets, and deletes its volumes and users' Secrets only under {@code percona.com/delete-psmdb-pvc}. Around them
 * run the StatefulSet controller (claims from the templates, owned by the StatefulSet only for a
 * {@code whenDeleted: Delete} retention policy), the PVC protection controller and the garbage collector (owner
 * references); the API server keeps an object with finalizers, marked, until they are removed.
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
    /** The template revision each StatefulSet's pods run, by namespace/name/uid. */
    private final Map<String, String> podRevisions = new ConcurrentHashMap<>();
    /** StatefulSets whose pods an operator deleted to update them and that are not ready again yet. */
    private final Set<String> replaced = ConcurrentHashMap.newKeySet();
    /** How often each StatefulSet's pods were replaced: a replaced pod is ready only after the delay again. */
    private final Map<String, Integer> incarnations = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile RuntimeException lastError;
    /** Passes in a row that met NotFound. */
    private int notFoundPasses;
    /** The operators' backups, restores and recoveries. */
    private final BackupOperatorsSimulation backupOperators;

    public OperatorSimulator(ApiServerSimulation apiServer, Duration delay) {
        this.client = apiServer.client();
        this.delay = delay;
        apiServer.admission("postgresql.cnpg.io", "clusters", "mcluster.cnpg.io", OperatorSimulator::cloudNativePgDefaulting);
        apiServer.admission("postgresql.cnpg.io", "clusters", "vcluster.cnpg.io", OperatorSimulator::cloudNativePgValidation);
        apiServer.admission("k8s.mariadb.com", "mariadbs", "vmariadb-v1alpha1.kb.io", OperatorSimulator::mariaDbValidation);
        backupOperators = new BackupOperatorsSimulation(client, delay);
        loop.scheduleWithFixedDelay(this::safePass, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** Makes {@code bucket} one that the simulated object store does not have: backups into it fail. */
    public void bucketMissing(String bucket) {
        backupOperators.bucketMissing(bucket);
    }

    /** The last failure of a pass (null if none), so a test can tell a broken simulator from a broken Strata. */
    public RuntimeException lastError() {
        return lastError;
    }

    private void safePass() {
        try {
            pass();
            lastError = null;
            notFoundPasses = 0;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // a pod, claim or StatefulSet deleted between a pass's list and its write: controllers requeue on
            // NotFound and the next pass no longer sees the object. Only a 404 that persists is the simulator's bug.
            if (e.getCode() != 404 || ++notFoundPasses > 20) {
                lastError = e;
            }
        } catch (RuntimeException e) {
            lastError = e;
        }
    }

    private void pass() {
        Set<String> clusters = new HashSet<>();
        for (GenericKubernetesResource c : list("postgresql.cnpg.io/v1", "Cluster")) {
            clusters.add(ns(c) + "/" + name(c));
            cloudNativePg(c);
        }
        // CloudNativePG's pods and PVCs are owned by their Cluster: garbage collection removes them with it
        for (Pod pod : client.pods().inAnyNamespace().withLabel("cnpg.io/cluster").list().getItems()) {
            if (!clusters.contains(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getLabels().get("cnpg.io/cluster"))) {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
            }
        }
        for (PersistentVolumeClaim pvc : client.persistentVolumeClaims().inAnyNamespace().withLabel("cnpg.io/cluster").list().getItems()) {
            if (!clusters.contains(pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getLabels().get("cnpg.io/cluster"))) {
                client.persistentVolumeClaims().inNamespace(pvc.getMetadata().getNamespace()).withName(pvc.getMetadata().getName()).delete();
            }
        }
        for (GenericKubernetesResource m : list("k8s.mariadb.com/v1alpha1", "MariaDB")) {
            mariaDb(m);
        }
        for (GenericKubernetesResource r : list("redis.redis.opstreelabs.in/v1beta2", "Redis")) {
            redis(r);
        }
        for (GenericKubernetesResource p : list("psmdb.percona.com/v1", "PerconaServerMongoDB")) {
            percona(p);
        }
        for (StatefulSet sts : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
            kubelet(sts);
        }
        garbageCollector();
        pvcProtection();
        backupOperators.pass();
    }

    // --- CloudNativePG ---------------------------------------------------------------------------------------

    private void cloudNativePg(GenericKubernetesResource c) {
        String ns = ns(c);
        String name = name(c);
        boolean hibernate = "on".equals(annotation(c, "cnpg.io/hibernation"));
        boolean settled = settled(c, hibernate);
        String secret = name + "-app";
        if (client.secrets().inNamespace(ns).withName(secret).get() == null && settled(key(c, "secret"))) {
            String owner = BackupOperatorsSimulation.bootstrap(c, "owner");
            String db = BackupOperatorsSimulation.bootstrap(c, "database");
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
        // reconcilePostgresServices (internal/controller/cluster_create.go): -r, -ro and -rw by default (pkg/specs
        // services.go, suffixes of api/v1/cluster_types.go); -any only with the operator's CREATE_ANY_SERVICE
        services(c, Map.of("cnpg.io/cluster", name), List.of(new SimulatedService(name + "-r", "postgres", 5432, false),
                new SimulatedService(name + "-ro", "postgres", 5432, false), new SimulatedService(name + "-rw", "postgres", 5432, false)));
        String instance = name + "-1"; // pkg/specs GetInstanceName: <cluster>-<serial>
        String oldPhase = (String) get(c, "status", "phase");
        if (!settled || backupOperators.recovering(c)) {
            // until the reconciler gets to this spec (or hibernation flag), the status of its last loop stays:
            // after a resize that is a stale "Cluster in healthy state" with Ready=True, the old pod still serving
            if (oldPhase == null) {
                writeStatus(c, cnpgStatus(c, PHASE_FIRST_PRIMARY, List.of(), Map.of(), List.of()));
            }
            return;
        }
        PersistentVolumeClaim pvc = cnpgVolume(c, instance);
        boolean resizing = pvc != null && amount(capacity(pvc)) < amount(request(pvc));
        List<String> resizingPvc = resizing ? List.of(instance) : List.of();
        Pod pod = client.pods().inNamespace(ns).withName(instance).get();
        if (hibernate) {
            if (pod != null) {
                client.pods().inNamespace(ns).withName(instance).delete(); // declarative hibernation: pods go, PVCs stay
            }
            writeStatus(c, cnpgStatus(c, PHASE_HIBERNATED, List.of(), Map.of(), resizingPvc));
            return;
        }
        String phase;
        Map<String, List<String>> instancesStatus;
        if (pod == null) {
            client.pods().inNamespace(ns).resource(new PodBuilder()
                    .withNewMetadata().withName(instance).withNamespace(ns)
                    .addToLabels("cnpg.io/cluster", name).addToLabels("cnpg.io/instanceName", instance).endMetadata()
                    .withNewSpec().addNewContainer().withName("postgres").withImage((String) get(c, "spec", "imageName"))
                    .withResources(requirements(get(c, "spec", "resources"))).endContainer().endSpec()
                    .withNewStatus().addNewCondition().withType("Ready").withStatus("False").endCondition().endStatus()
                    .build()).create();
            phase = PHASE_INPLACE_DELETE_PRIMARY_RESTART.equals(oldPhase) || PHASE_FIRST_PRIMARY.equals(oldPhase)
                    ? oldPhase : PHASE_WAITING_FOR_INSTANCES;
            instancesStatus = Map.of("replicating", List.of(instance));
        } else if (!sameAmounts(get(c, "spec", "resources"), pod.getSpec().getContainers().get(0).getResources())) {
            // cluster_upgrade.go: checkPodSpecIsOutdated finds the PodSpec differs; one instance and the default
            // primaryUpdateMethod "restart" without in-place possibility: updatePrimaryPod registers
            // PhaseInplaceDeletePrimaryRestart and upgradePod deletes the pod, recreated with the new spec
            phase = PHASE_INPLACE_DELETE_PRIMARY_RESTART;
            client.pods().inNamespace(ns).withName(instance).delete();
            instancesStatus = Map.of();
        } else {
            boolean ready = "True".equals(podReady(pod));
            if (!ready && settled("pod/" + ns + "/" + instance + "/" + pod.getMetadata().getUid())) {
                client.pods().inNamespace(ns).withName(instance).editStatus(p -> {
                    p.getStatus().getConditions().get(0).setStatus("True");
                    return p;
                });
                ready = true;
            }
            // handleSwitchover: once readyInstances == instances, PhaseInplaceDeletePrimaryRestart becomes healthy;
            // reconcileResources otherwise waits in PhaseWaitingForInstancesToBeActive, or sets up the first primary
            phase = ready ? PHASE_HEALTHY : PHASE_INPLACE_DELETE_PRIMARY_RESTART.equals(oldPhase) || PHASE_FIRST_PRIMARY.equals(oldPhase)
                    ? oldPhase : PHASE_WAITING_FOR_INSTANCES;
            instancesStatus = Map.of(ready ? "healthy" : "replicating", List.of(instance));
        }
        writeStatus(c, cnpgStatus(c, phase, List.of(instance), instancesStatus, resizingPvc));
    }

    /** CloudNativePG's phases (api/v1/cluster_types.go) that the simulation goes through. */
    static final String PHASE_HEALTHY = "Cluster in healthy state";
    static final String PHASE_FIRST_PRIMARY = "Setting up primary";
    static final String PHASE_WAITING_FOR_INSTANCES = "Waiting for the instances to become active";
    static final String PHASE_INPLACE_DELETE_PRIMARY_RESTART = "Primary instance is being restarted without a switchover";
    static final String PHASE_HIBERNATED = "Cluster in hibernation";

    /**
     * A Cluster's status as CloudNativePG writes it: the fields of persistentvolumeclaim {@code EnrichStatus}
     * (instances, readyInstances, instanceNames, instancesStatus, resizingPVC), the phase, and the conditions
     * {@code Ready} (True exactly when the phase is healthy: pkg/resources/status/transactions.go
     * {@code SetClusterReadyCondition}) and {@code cnpg.io/hibernation}, without {@code observedGeneration}
     * ({@code metav1.Condition} allows one; CloudNativePG never sets it).
     */
    private Map<String, Object> cnpgStatus(GenericKubernetesResource c, String phase, List<String> instanceNames,
            Map<String, List<String>> instancesStatus, List<String> resizingPvc) {
        boolean hibernated = PHASE_HIBERNATED.equals(phase);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("instances", instanceNames.size());
        status.put("readyInstances", instancesStatus.getOrDefault("healthy", List.of()).size());
        status.put("instanceNames", instanceNames);
        status.put("instancesStatus", instancesStatus);
        if (!resizingPvc.isEmpty()) {
            status.put("resizingPVC", resizingPvc);
        }
        if (!instanceNames.isEmpty()) {
            status.put("currentPrimary", instanceNames.get(0));
        }
        status.put("phase", phase);
        boolean healthy = PHASE_HEALTHY.equals(phase);
        status.put("conditions", List.of(
                condition("Ready", healthy, healthy ? "ClusterIsReady" : "ClusterIsNotReady", healthy ? "Cluster is Ready" : "Cluster Is Not Ready"),
                condition("cnpg.io/hibernation", hibernated, hibernated ? "Hibernated" : "Running", hibernated ? "Cluster has been hibernated" : "")));
        return status;
    }

    /**
     * The instance's data volume (a PVC named after the instance): created with {@code spec.storage.size},
     * grown when the size grows (pkg/reconciler/persistentvolumeclaim patches the request; no phase changes),
     * its {@code status.capacity} following the request after the delay, as a volume plugin's expansion does.
     */
    private PersistentVolumeClaim cnpgVolume(GenericKubernetesResource c, String instance) {
        String ns = ns(c);
        String size = (String) get(c, "spec", "storage", "size");
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(ns).withName(instance).get();
        if (pvc == null) {
            return client.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(instance).withNamespace(ns).addToLabels("cnpg.io/cluster", name(c))
                    .addToLabels("cnpg.io/pvcRole", "PG_DATA").endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                    .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(size)).endResources().endSpec()
                    .withNewStatus().withPhase("Bound").addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity(size)).endStatus()
                    .build()).create();
        }
        if (amount(request(pvc)) < amount(size)) {
            return client.persistentVolumeClaims().inNamespace(ns).withName(instance).edit(p -> {
                p.getSpec().getResources().getRequests().put("storage", new io.fabric8.kubernetes.api.model.Quantity(size));
                return p;
            });
        }
        if (amount(capacity(pvc)) < amount(request(pvc)) && settled("pvc/" + ns + "/" + instance + "/" + request(pvc))) {
            String grown = request(pvc);
            return client.persistentVolumeClaims().inNamespace(ns).withName(instance).editStatus(p -> {
                p.getStatus().getCapacity().put("storage", new io.fabric8.kubernetes.api.model.Quantity(grown));
                return p;
            });
        }
        return pvc;
    }

    private static String request(PersistentVolumeClaim pvc) {
        return pvc.getSpec().getResources().getRequests().get("storage").toString();
    }

    private static String capacity(PersistentVolumeClaim pvc) {
        return pvc.getStatus() == null || pvc.getStatus().getCapacity() == null || pvc.getStatus().getCapacity().get("storage") == null
                ? "0" : pvc.getStatus().getCapacity().get("storage").toString();
    }

    private static String podReady(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getConditions() == null ? null : pod.getStatus().getConditions().stream()
                .filter(x -> "Ready".equals(x.getType())).map(x -> x.getStatus()).findFirst().orElse(null);
    }

    /** A quantity as a number of its units (bytes, cores), for comparing amounts. */
    private static double amount(String quantity) {
        return new Quantity(quantity).getNumber().doubleValue();
    }

    /** Container resources from the {@code resources} map of a custom resource's spec. */
    @SuppressWarnings("unchecked")
    private static ResourceRequirements requirements(Object resources) {
        ResourceRequirements r = new ResourceRequirements();
        if (resources instanceof Map<?, ?> m) {
            for (String list : List.of("requests", "limits")) {
                Map<String, io.fabric8.kubernetes.api.model.Quantity> amounts = new LinkedHashMap<>();
                if (m.get(list) instanceof Map<?, ?> a) {
                    ((Map<String, Object>) a).forEach((k, v) -> amounts.put(k, new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(v))));
                }
                if (list.equals("requests")) {
                    r.setRequests(amounts);
                } else {
                    r.setLimits(amounts);
                }
            }
        }
        return r;
    }

    /** Whether a container has the amounts of a spec's {@code resources} map, compared by value. */
    private static boolean sameAmounts(Object resources, ResourceRequirements actual) {
        ResourceRequirements wanted = requirements(resources);
        return sameAmounts(wanted.getRequests(), actual == null ? null : actual.getRequests())
                && sameAmounts(wanted.getLimits(), actual == null ? null : actual.getLimits());
    }

    private static boolean sameAmounts(Map<String, io.fabric8.kubernetes.api.model.Quantity> wanted,
            Map<String, io.fabric8.kubernetes.api.model.Quantity> actual) {
        Map<String, io.fabric8.kubernetes.api.model.Quantity> have = actual == null ? Map.of() : actual;
        if (!have.keySet().equals(wanted.keySet())) {
            return false;
        }
        return wanted.entrySet().stream().allMatch(e -> amount(e.getValue().toString()) == amount(have.get(e.getKey()).toString()));
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

    /** {@code semanticVersionRegex} of cloudnative-pg/machinery pkg/postgres/version/version.go. */
    private static final java.util.regex.Pattern PG_VERSION = java.util.regex.Pattern.compile("^(\\d\\.?)+");

    /**
     * CloudNativePG's validating webhook {@code vcluster.cnpg.io} on create and update of a Cluster
     * (internal/webhook/v1/cluster_webhook.go {@code ClusterCustomValidator}), its checks of {@code spec.imageName}:
     * {@code validateImageName} refuses the tag {@code latest} (also what a name without a tag means,
     * machinery pkg/image/reference {@code New}), a digest without a tag, and a tag that does not start with a
     * version ({@code version.FromTag}); {@code validateConfiguration} refuses a major below 13. A rolling major
     * such as {@code :16} passes: {@code FromTag("16")} is 16.0. The refusal is {@code apierrors.NewInvalid}
     * (422). The other validations are not simulated.
     */
    static String cloudNativePgValidation(JsonObject old, JsonObject cluster) {
        JsonElement image = at(cluster, "spec", "imageName");
        if (image == null || image.getAsString().isEmpty()) {
            return null; // the operator's default image or the catalog's
        }
        String name = image.getAsString();
        String tag = imageTag(name);
        String problem = null;
        if (tag.equals("latest")) {
            problem = "Can't use 'latest' as image tag as we can't detect upgrades";
        } else if (tag.isEmpty()) {
            problem = "Can't use just the image sha as we can't detect upgrades";
        } else {
            java.util.regex.Matcher version = PG_VERSION.matcher(tag);
            if (!version.find()) {
                problem = "invalid version tag";
            } else if (Integer.parseInt(version.group().split("\\.")[0]) < 13) {
                problem = "Unsupported PostgreSQL version. Versions 13 or newer are supported";
            }
        }
        if (problem == null) {
            return null;
        }
        JsonElement clusterName = at(cluster, "metadata", "name");
        return "Cluster.postgresql.cnpg.io \"" + (clusterName == null ? "" : clusterName.getAsString())
                + "\" is invalid: spec.imageName: Invalid value: \"" + name + "\": " + problem;
    }

    /**
     * The tag of an image reference as machinery pkg/image/reference {@code New} reads it: after a digest
     * ({@code @sha256:...}) is taken off, what follows the last ':' that has no '/' after it; {@code latest} when
     * there is neither tag nor digest, empty for a digest alone.
     */
    static String imageTag(String image) {
        String name = image.replaceFirst("@sha256:[a-fA-F0-9]+$", "");
        boolean digest = !name.equals(image);
        java.util.regex.Matcher tag = java.util.regex.Pattern.compile(":([^/]+)$").matcher(name);
        return tag.find() ? tag.group(1) : digest ? "" : "latest";
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

    /**
     * mariadb-operator's reconcile as seen through the API (internal/controller/mariadb_controller.go, phases
     * "Status", "Storage", "StatefulSet", in that order). Nothing happens to a new spec for the delay: the status
     * stays as the last loop wrote it, so after a resize {@code Ready} is still True with reason
     * {@code StatefulSetReady}. Then a bigger {@code storage.size} goes through mariadb_controller_storage.go
     * {@code reconcileStorage}: Ready False "ResizingStorage", the StatefulSet recreated with the new claim size
     * (its pods orphaned and adopted again, so they stay ready), Ready False "WaitStorageResize" until the PVCs
     * have grown, then {@code StorageResized} True. Other changes are written into the StatefulSet's pod template;
     * with the default update strategy {@code ReplicasFirstPrimaryLast} the StatefulSet is {@code OnDelete}
     * (pkg/builder/statefulset_builder.go), so the status says {@code Updated} False "PendingUpdate" (Ready True,
     * reason "PendingUpdate") until the operator deletes the pod, then "Updating" (Ready False) until the new pod is
     * ready, then {@code Updated} True and Ready True "StatefulSetReady" (pkg/condition/ready.go
     * {@code SetReadyWithMariaDB}, mariadb_controller_status.go {@code setUpdatedCondition}). No condition carries
     * {@code observedGeneration}.
     */
    private void mariaDb(GenericKubernetesResource m) {
        setStorageDefaults(m); // the "Spec" phase runs before "Suspend": a suspended MariaDB is defaulted too
        boolean suspended = Boolean.TRUE.equals(get(m, "spec", "suspend"));
        if (suspended) {
            return; // reconciliation suspended: the operator changes nothing
        }
        if (backupOperators.restoringMariaDb(m)) {
            return; // bootstrapFrom: the restore Job runs before the StatefulSet is made
        }
        String ns = ns(m);
        String name = name(m);
        // the "Service" phase (mariadb_controller.go reconcileService): <name>-internal, headless, and <name>
        // on spec.port (reconcileDefaultService); -primary and -secondary only with HA
        Object port = get(m, "spec", "port");
        services(m, Map.of("app.kubernetes.io/name", "mariadb", "app.kubernetes.io/instance", name), List.of(
                new SimulatedService(name + "-internal", "mariadb", port instanceof Number n ? n.intValue() : 3306, true),
                new SimulatedService(name, "mariadb", port instanceof Number n ? n.intValue() : 3306, false)));
        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(name).get();
        if (sts == null) {
            sts = ensureStatefulSet(ns, name, mariaDbStatefulSet(m));
        }
        boolean hadStatus = get(m, "status", "conditions") != null;
        if (!settled(m, false)) {
            if (!hadStatus) {
                writeStatus(m, Map.of("conditions", List.of(condition("Ready", false, "StatefulSetNotReady", "Not ready"))));
            }
            return; // the operator has not got to this spec yet: the status of its last loop stays
        }
        sts = ensureStatefulSet(ns, name, null); // scaled back to 1 on wake
        List<Map<String, Object>> conditions = new ArrayList<>();
        // "Storage": reconcileStorage compares the StatefulSet's claim size with spec.storage.size
        String size = String.valueOf(get(m, "spec", "storage", "size"));
        String claimed = sts.getSpec().getVolumeClaimTemplates().isEmpty() ? size
                : sts.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage").toString();
        String storageReason = conditionReason(m, "StorageResized");
        if (amount(claimed) < amount(size)) {
            client.apps().statefulSets().inNamespace(ns).withName(name).edit(x -> {
                x.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests()
                        .put("storage", new io.fabric8.kubernetes.api.model.Quantity(size));
                return x;
            });
            conditions.add(condition("Ready", false, "ResizingStorage", "Resizing storage"));
            conditions.add(condition("StorageResized", false, "ResizingStorage", "Resizing storage"));
            writeStatus(m, Map.of("conditions", conditions));
            return;
        }
        if ("ResizingStorage".equals(storageReason) || "WaitStorageResize".equals(storageReason)) {
            if (!settled(key(m, "storage/" + size))) { // waitForStorageResize: the PVCs are still growing
                conditions.add(condition("Ready", false, "WaitStorageResize", "Waiting for storage resize"));
                conditions.add(condition("StorageResized", false, "WaitStorageResize", "Waiting for storage resize"));
                writeStatus(m, Map.of("conditions", conditions));
                return;
            }
        }
        boolean storageResizedBefore = storageReason != null;
        // "StatefulSet": the pod template follows the spec
        PodTemplateSpec template = mariaDbPodTemplate(m);
        if (!sameAmounts(get(m, "spec", "resources"), sts.getSpec().getTemplate().getSpec().getContainers().get(0).getResources())) {
            sts = client.apps().statefulSets().inNamespace(ns).withName(name).edit(x -> {
                x.getSpec().setTemplate(template);
                return x;
            });
        }
        // the update of the pods (ReplicasFirstPrimaryLast): after the delay the operator deletes the outdated pod
        String revision = revision(sts);
        String updated;
        if (revision.equals(podRevision(sts))) {
            updated = replaced.contains(key(sts)) ? "Updating" : "Updated";
            if (updated.equals("Updating") && readyReplicas(sts) == sts.getSpec().getReplicas()) {
                replaced.remove(key(sts));
                updated = "Updated";
            }
        } else if (settled("update/" + key(sts) + "/" + revision)) {
            replacePod(sts);
            sts = client.apps().statefulSets().inNamespace(ns).withName(name).get();
            updated = "Updating";
        } else {
            updated = "PendingUpdate";
        }
        conditions.add(switch (updated) {
            case "Updating" -> condition("Ready", false, "Updating", "Updating");
            case "PendingUpdate" -> readyReplicas(sts) == 0 ? condition("Ready", false, "StatefulSetNotReady", "Not ready")
                    : condition("Ready", true, "PendingUpdate", "Pending update");
            default -> sts.getStatus() == null || readyReplicas(sts) == 0 || readyReplicas(sts) != replicas(sts)
                    ? condition("Ready", false, "StatefulSetNotReady", "Not ready") : condition("Ready", true, "StatefulSetReady", "Running");
        });
        conditions.add(condition("Updated", updated.equals("Updated"), updated, switch (updated) {
            case "Updating" -> "Updating";
            case "PendingUpdate" -> "Pending update";
            default -> "Updated";
        }));
        if (storageResizedBefore) {
            conditions.add(condition("StorageResized", true, "StorageResized", "Storage resized"));
        }
        writeStatus(m, Map.of("conditions", conditions));
    }

    /** The reason of condition {@code type} in a stored resource's status, or null. */
    private static String conditionReason(GenericKubernetesResource r, String type) {
        if (get(r, "status", "conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
                    return (String) m.get("reason");
                }
            }
        }
        return null;
    }

    /**
     * The StatefulSet mariadb-operator builds (pkg/builder/statefulset_builder.go {@code BuildMariadbStatefulSet}):
     * selector {@code app.kubernetes.io/name: mariadb} and {@code app.kubernetes.io/instance}
     * ({@code WithMariaDBSelectorLabels}); OnDelete (the default update strategy ReplicasFirstPrimaryLast); the
     * {@code storage} claim template labelled {@code pvc.k8s.mariadb.com/role: storage}
     * ({@code mariadbVolumeClaimTemplates}) asking for {@code spec.storage.size}; {@code spec.storage.pvcRetentionPolicy}
     * as the claim retention policy ({@code mariadbPVCRetentionPolicy}, on Kubernetes 1.32 and later, which is
     * assumed here), none without it; owned by the MariaDB ({@code SetControllerReference}).
     */
    private static StatefulSet mariaDbStatefulSet(GenericKubernetesResource m) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put("app.kubernetes.io/name", "mariadb");
        selector.put("app.kubernetes.io/instance", name(m));
        StatefulSetBuilder b = new StatefulSetBuilder()
                .withNewMetadata().withName(name(m)).withNamespace(ns(m)).withOwnerReferences(owner(m)).endMetadata()
                .withNewSpec().withReplicas(1).withServiceName(name(m) + "-internal")
                .withNewSelector().withMatchLabels(selector).endSelector()
                .withTemplate(mariaDbPodTemplate(m)).withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                .addNewVolumeClaimTemplate().withNewMetadata().withName("storage").addToLabels("pvc.k8s.mariadb.com/role", "storage").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(get(m, "spec", "storage", "size"))))
                .endResources().endSpec().endVolumeClaimTemplate().endSpec();
        if (get(m, "spec", "storage", "pvcRetentionPolicy") instanceof Map<?, ?> policy) {
            b.editSpec().withNewPersistentVolumeClaimRetentionPolicy()
                    .withWhenDeleted(policy.get("whenDeleted") == null ? "Retain" : String.valueOf(policy.get("whenDeleted")))
                    .withWhenScaled(policy.get("whenScaled") == null ? "Retain" : String.valueOf(policy.get("whenScaled")))
                    .endPersistentVolumeClaimRetentionPolicy().endSpec();
        }
        return b.build();
    }

    /** The pod template mariadb-operator builds: a {@code mariadb} container with the spec's image and resources. */
    private static PodTemplateSpec mariaDbPodTemplate(GenericKubernetesResource m) {
        return new PodTemplateSpecBuilder().withNewSpec().addNewContainer().withName("mariadb")
                .withImage((String) get(m, "spec", "image")).withResources(requirements(get(m, "spec", "resources")))
                .endContainer().endSpec().build();
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

    /** internal/controller/redis/redis_controller.go {@code RedisFinalizer}. */
    static final String REDIS_FINALIZER = "redisFinalizer";

    /**
     * The Redis controller (internal/controller/redis/redis_controller.go {@code Reconcile}) as seen through the
     * API. A resource being deleted is finalized even while reconciliation is skipped: after the delay (the
     * operator's loop) {@code HandleRedisFinalizer} (internal/k8sutils/finalizer.go) deletes the data volume
     * {@code <name>-<name>-0} unless {@code storage.keepAfterDelete}, then removes {@code redisFinalizer}, and the
     * API server drops the resource (the garbage collector then removes its StatefulSet). Otherwise, unless the
     * {@code redis.opstreelabs.in/skip-reconcile} annotation says to skip it, the operator gets to the current
     * spec after the delay: it adds its finalizer and creates or updates the StatefulSet ({@link #redisStatefulSet}).
     * A new pod template starts the StatefulSet controller's rolling update ({@link #kubelet}), during which the
     * old pod still serves; a bigger volume is not written into the claim template (immutable; the operator puts
     * the stored one back) but patched into the claim (internal/k8sutils/pvc.go {@code HandlePVCResizing}).
     * The resource's status stays empty: the operator writes none for a standalone Redis.
     */
    private void redis(GenericKubernetesResource r) {
        String ns = ns(r);
        String name = name(r);
        String claim = name + "-" + name + "-0"; // finalizeRedisPVC: <template name (the resource's)>-<statefulset>-0
        if (r.getMetadata().getDeletionTimestamp() != null) {
            if (r.getMetadata().getFinalizers().contains(REDIS_FINALIZER) && settled(key(r, "finalize"))) {
                if (get(r, "spec", "storage") != null && !Boolean.TRUE.equals(get(r, "spec", "storage", "keepAfterDelete"))) {
                    client.persistentVolumeClaims().inNamespace(ns).withName(claim).delete();
                }
                removeFinalizer(r, REDIS_FINALIZER);
            }
            return;
        }
        if ("true".equals(annotation(r, "redis.opstreelabs.in/skip-reconcile")) || !settled(r, false)) {
            return;
        }
        addFinalizer(r, REDIS_FINALIZER);
        // internal/k8sutils/redis-standalone.go CreateStandaloneService: <name>-headless, <name>, and
        // <name>-additional unless kubernetesConfig.service.additional.enabled is false
        services(r, Map.of("app", name(r), "redis_setup_type", "standalone", "role", "standalone"), List.of(
                new SimulatedService(name(r) + "-headless", "redis-client", 6379, true),
                new SimulatedService(name(r), "redis-client", 6379, false),
                new SimulatedService(name(r) + "-additional", "redis-client", 6379, false)));
        StatefulSet wanted = redisStatefulSet(r);
        StatefulSet sts = ensureStatefulSet(ns, name, wanted);
        Container running = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
        if (!Objects.equals(running.getImage(), get(r, "spec", "kubernetesConfig", "image"))
                || !sameAmounts(get(r, "spec", "kubernetesConfig", "resources"), running.getResources())) {
            client.apps().statefulSets().inNamespace(ns).withName(name).edit(x -> {
                x.getSpec().setTemplate(wanted.getSpec().getTemplate());
                return x;
            });
        }
        Object size = get(r, "spec", "storage", "volumeClaimTemplate", "spec", "resources", "requests", "storage");
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
        if (size != null && pvc != null && amount(request(pvc)) < amount(String.valueOf(size))) {
            io.fabric8.kubernetes.api.model.Quantity grown = new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(size));
            client.persistentVolumeClaims().inNamespace(ns).withName(claim).edit(p -> {
                p.getSpec().getResources().getRequests().put("storage", grown);
                return p;
            });
        }
    }

    /**
     * The StatefulSet the operator builds for a standalone Redis (internal/k8sutils/redis-standalone.go
     * {@code CreateStandaloneRedis}, statefulset.go {@code generateStatefulSetsDef}): one replica; labels
     * {@code app}, {@code redis_setup_type}, {@code role} and the resource's own, the first three as selector; the
     * update strategy of {@code kubernetesConfig.updateStrategy}, which Strata leaves empty, so the API server's
     * default RollingUpdate (partition 0); a container named after the resource with
     * {@code kubernetesConfig.image} and {@code resources}; a claim template named after the resource (no
     * {@code persistentVolumeClaimRetentionPolicy}: the claim is retained); owned by the resource.
     */
    private static StatefulSet redisStatefulSet(GenericKubernetesResource r) {
        String name = name(r);
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put("app", name);
        selector.put("redis_setup_type", "standalone");
        selector.put("role", "standalone");
        Map<String, String> labels = new LinkedHashMap<>(selector);
        if (r.getMetadata().getLabels() != null) {
            labels.putAll(r.getMetadata().getLabels());
        }
        Object size = get(r, "spec", "storage", "volumeClaimTemplate", "spec", "resources", "requests", "storage");
        Object storageClass = get(r, "spec", "storage", "volumeClaimTemplate", "spec", "storageClassName");
        return new StatefulSetBuilder()
                .withNewMetadata().withName(name).withNamespace(ns(r)).withLabels(labels).withOwnerReferences(owner(r)).endMetadata()
                .withNewSpec().withReplicas(1).withServiceName(name + "-headless")
                .withNewSelector().withMatchLabels(selector).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate().withPartition(0).endRollingUpdate().endUpdateStrategy()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage((String) get(r, "spec", "kubernetesConfig", "image"))
                .withResources(requirements(get(r, "spec", "kubernetesConfig", "resources"))).endContainer().endSpec().endTemplate()
                .addNewVolumeClaimTemplate().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName((String) storageClass).withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(size))).endResources().endSpec()
                .endVolumeClaimTemplate().endSpec().build();
    }

    // --- Percona Server for MongoDB --------------------------------------------------------------------------

    /** pkg/naming/naming.go {@code FinalizerDeletePVC}. */
    static final String PSMDB_DELETE_PVC = "percona.com/delete-psmdb-pvc";
    /** The users created in each cluster's mongod so far, by namespace/cluster uid/user (there is no mongod here). */
    private final Set<String> mongoUsers = ConcurrentHashMap.newKeySet();

    /**
     * The PSMDB controller (pkg/controller/perconaservermongodb/psmdb_controller.go {@code Reconcile}) as seen
     * through the API. A cluster being deleted goes through its finalizers ({@link #perconaFinalizers}).
     * Otherwise the operator makes its Secrets ({@link #perconaSecrets}) and the replica set's StatefulSet
     * ({@link #perconaStatefulSet}), and writes the state: {@code initializing} (or {@code stopping} for a pause)
     * until it got to the current spec, then {@code ready} ({@code paused}). The custom users of {@code spec.users}
     * are reconciled only in a loop that starts with the stored state {@code ready} (custom_users.go
     * {@code reconcileCustomUsers}), and here a delay after it: the user exists some time after the state says
     * ready ({@link #customUsers}). A failing users reconcile turns the state to {@code error} with its message
     * (status.go {@code updateStatus}); the next loop starts from {@code error}, skips the users, and is
     * {@code ready} again.
     */
    private void percona(GenericKubernetesResource p) {
        if (p.getMetadata().getDeletionTimestamp() != null) {
            perconaFinalizers(p);
            return;
        }
        boolean pause = Boolean.TRUE.equals(get(p, "spec", "pause"));
        boolean settled = settled(p, pause);
        perconaSecrets(p);
        perconaServices(p);
        perconaStatefulSet(p, pause, settled);
        String state = pause ? (settled ? "paused" : "stopping") : (settled ? "ready" : "initializing");
        String message = null;
        if (!pause && settled && "ready".equals(get(p, "status", "state")) && settled(key(p, "users"))) {
            String error = customUsers(p);
            if (error != null) {
                state = "error";
                message = "Error: reconcile custom users: " + error;
            }
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", state);
        if (message != null) {
            status.put("message", message);
        }
        status.put("ready", settled && !pause ? 1 : 0);
        status.put("size", 1);
        status.put("observedGeneration", p.getMetadata().getGeneration());
        status.put("conditions", perconaConditions(p, state, message));
        writeStatus(p, status);
    }

    /**
     * The cluster's conditions as status.go {@code updateStatus} keeps them: one per type, the type being the
     * state, added with {@code AddCondition} (psmdb_types.go), which updates a condition of the same type and
     * never removes one: after an error the {@code error} condition (reason {@code ErrorReconcile}, the error as
     * message, written on the transition into error) stays next to {@code ready}.
     */
    private static List<Map<String, Object>> perconaConditions(GenericKubernetesResource p, String state, String message) {
        List<Map<String, Object>> conditions = new ArrayList<>();
        if (get(p, "status", "conditions") instanceof List<?> stored) {
            for (Object c : stored) {
                if (c instanceof Map<?, ?> m) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    m.forEach((k, v) -> copy.put(String.valueOf(k), v));
                    conditions.add(copy);
                }
            }
        }
        boolean known = conditions.stream().anyMatch(c -> state.equals(c.get("type")));
        boolean intoError = state.equals("error") && !"error".equals(get(p, "status", "state"));
        if (!known || intoError) {
            conditions.removeIf(c -> state.equals(c.get("type")));
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("type", state);
            c.put("status", "True");
            c.put("lastTransitionTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            if (message != null) {
                c.put("reason", "ErrorReconcile");
                c.put("message", message.substring("Error: ".length()));
            }
            conditions.add(c);
        }
        return conditions;
    }

    /**
     * custom_users.go {@code handleUsers} for each user of {@code spec.users} with a password Secret: a user not
     * yet in mongod is created ({@code createUser}), then its Secret is annotated with the SHA-256 of the password
     * (users.go {@code sha256Hash}) under {@code percona.com/<cluster>-<user>-hash}: v1.22.0 always builds this
     * key (the hashed key of {@code buildAnnotationKey} came after it, for crVersion 1.23.0). For a user that
     * exists the password is changed and the annotation rewritten when the hash differs ({@code updatePass}). The
     * API server refuses an annotation key whose name part exceeds 63 characters (apimachinery
     * {@code IsQualifiedName}): createUser's error fails the reconcile (its message returned here), while
     * updatePass's is only logged, so from then on the user exists and its hash is never recorded.
     */
    private String customUsers(GenericKubernetesResource p) {
        if (!(get(p, "spec", "users") instanceof List<?> users)) {
            return null;
        }
        for (Object u : users) {
            if (!(u instanceof Map<?, ?> user) || !(user.get("passwordSecretRef") instanceof Map<?, ?> ref)) {
                continue; // a generated <cluster>-custom-user-secret is not simulated
            }
            String userName = String.valueOf(user.get("name"));
            String secretName = String.valueOf(ref.get("name"));
            String passKey = ref.get("key") == null ? "password" : String.valueOf(ref.get("key"));
            Map<String, String> secret = secretData(ns(p), secretName);
            if (secret == null || secret.get(passKey) == null) {
                continue; // "failed to get user secret": logged, next user
            }
            String annotationKey = "percona.com/" + name(p) + "-" + userName + "-hash";
            String hash = sha256Hex(secret.get(passKey));
            boolean created = mongoUsers.add(ns(p) + "/" + p.getMetadata().getUid() + "/" + userName);
            Map<String, String> annotations = client.secrets().inNamespace(ns(p)).withName(secretName).get().getMetadata().getAnnotations();
            if (!created && annotations != null && hash.equals(annotations.get(annotationKey))) {
                continue;
            }
            String invalid = annotationKeyError(annotationKey);
            if (invalid != null) {
                if (created) {
                    return "create user " + userName + ": Secret \"" + secretName + "\" is invalid: metadata.annotations: Invalid value: \""
                            + annotationKey + "\": " + invalid;
                }
                continue; // updatePass: "update user pass" logged
            }
            client.secrets().inNamespace(ns(p)).withName(secretName).edit(s -> {
                if (s.getMetadata().getAnnotations() == null) {
                    s.getMetadata().setAnnotations(new LinkedHashMap<>());
                }
                s.getMetadata().getAnnotations().put(annotationKey, hash);
                return s;
            });
        }
        return null;
    }

    /** apimachinery's {@code IsQualifiedName} for an annotation key's name part, or null when valid. */
    static String annotationKeyError(String key) {
        String name = key.substring(key.indexOf('/') + 1);
        if (name.length() > 63) {
            return "name part must be no more than 63 characters";
        }
        return name.matches("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]") ? null
                : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    }

    /** pkg/naming {@code ClusterLabels}: on the cluster's StatefulSets, claims (through the selector) and Secrets. */
    private static Map<String, String> perconaLabels(GenericKubernetesResource p) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "percona-server-mongodb");
        labels.put("app.kubernetes.io/managed-by", "percona-server-mongodb-operator");
        labels.put("app.kubernetes.io/part-of", "percona-server-mongodb");
        labels.put("app.kubernetes.io/instance", name(p));
        return labels;
    }

    /**
     * The Secrets the operator makes for a cluster, each with {@code ClusterLabels}: the system users
     * ({@code spec.secrets.users}, secrets.go {@code reconcileUsersSecret}) and their internal copy
     * ({@code internal-<name>-users}, users.go), both without owner; the keyfile ({@code <name>-mongodb-keyfile},
     * {@code ensureSecurityKey} with an owner) and the encryption key ({@code <name>-mongodb-encryption-key},
     * without); the TLS Secrets {@code <name>-ssl}, {@code <name>-ssl-internal}, made by the operator itself when
     * cert-manager is absent, owned by the cluster (ssl.go {@code createSSLManually}).
     */
    private void perconaSecrets(GenericKubernetesResource p) {
        String ns = ns(p);
        String name = name(p);
        Object users = get(p, "spec", "secrets", "users");
        Map<String, Boolean> owned = new LinkedHashMap<>();
        owned.put(users == null ? name + "-secrets" : String.valueOf(users), false);
        owned.put("internal-" + name + "-users", false);
        owned.put(name + "-mongodb-keyfile", true);
        owned.put(name + "-mongodb-encryption-key", false);
        owned.put(name + "-ssl", true);
        owned.put(name + "-ssl-internal", true);
        owned.forEach((secret, withOwner) -> {
            if (client.secrets().inNamespace(ns).withName(secret).get() == null) {
                SecretBuilder b = new SecretBuilder().withNewMetadata().withName(secret).withNamespace(ns).withLabels(perconaLabels(p)).endMetadata()
                        .withType("Opaque").addToData("key", Base64.getEncoder().encodeToString(password().getBytes(StandardCharsets.UTF_8)));
                if (withOwner) {
                    b.editMetadata().withOwnerReferences(owner(p)).endMetadata();
                }
                client.secrets().inNamespace(ns).resource(b.build()).create();
            }
        });
    }

    /**
     * The replica set's StatefulSet {@code <name>-rs0}: selector {@code ClusterLabels} with the component and
     * replica set, OnDelete (the operator's SmartUpdate replaces the pods itself), the data claim template
     * {@code mongod-data} (pkg/psmdb/config {@code MongodDataVolClaimName}) from
     * {@code replsets[0].volumeSpec.persistentVolumeClaim}, no claim retention policy (claims are retained),
     * owned by the cluster; scaled to zero by a pause once the operator got to it.
     */
    private void perconaStatefulSet(GenericKubernetesResource p, boolean pause, boolean settled) {
        String ns = ns(p);
        String name = name(p) + "-rs0";
        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(name).get();
        int replicas = pause ? 0 : 1;
        if (sts == null) {
            Map<String, String> labels = perconaLabels(p);
            labels.put("app.kubernetes.io/component", "mongod");
            labels.put("app.kubernetes.io/replset", "rs0");
            Object size = get(p, "spec", "replsets", "0", "volumeSpec", "persistentVolumeClaim", "resources", "requests", "storage");
            client.apps().statefulSets().inNamespace(ns).resource(new StatefulSetBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).withOwnerReferences(owner(p)).endMetadata()
                    .withNewSpec().withReplicas(replicas).withServiceName(name)
                    .withNewSelector().withMatchLabels(labels).endSelector()
                    .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                    .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                    .withNewSpec().addNewContainer().withName("mongod").withImage((String) get(p, "spec", "image"))
                    .withResources(requirements(get(p, "spec", "replsets", "0", "resources"))).endContainer().endSpec().endTemplate()
                    .addNewVolumeClaimTemplate().withNewMetadata().withName("mongod-data").endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                    .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(size))).endResources().endSpec()
                    .endVolumeClaimTemplate().endSpec().build()).create();
        } else if (settled && !Objects.equals(sts.getSpec().getReplicas(), replicas)) {
            client.apps().statefulSets().inNamespace(ns).withName(name).edit(s -> {
                s.getSpec().setReplicas(replicas);
                return s;
            });
        }
    }

    /**
     * finalizers.go {@code checkFinalizers} for a cluster being deleted, after the delay (the operator's loop):
     * for {@code percona.com/delete-psmdb-pvc}, {@code deletePvcFinalizer} deletes the cluster's StatefulSets,
     * all its claims (getters.go {@code getAllPVCs}: {@code ClusterLabels}) and the Secrets
     * {@code spec.secrets.users}, {@code internal-<name>}, {@code internal-<name>-users} and
     * {@code <name>-mongodb-encryption-key} ({@code deleteSecrets}); the finalizers it handled are removed, unknown
     * ones left. Without it nothing is deleted: the claims and those Secrets outlive the cluster; only what the
     * cluster owns (StatefulSet, keyfile, TLS Secrets) goes with it. {@code percona.com/delete-psmdb-pods-in-order}
     * and {@code percona.com/delete-pitr-chunks} are not simulated (Strata sets neither).
     */
    private void perconaFinalizers(GenericKubernetesResource p) {
        List<String> finalizers = p.getMetadata().getFinalizers();
        if (finalizers.isEmpty() || !settled(key(p, "finalize"))) {
            return;
        }
        String ns = ns(p);
        List<String> left = new ArrayList<>();
        for (String finalizer : finalizers) {
            if (!finalizer.equals(PSMDB_DELETE_PVC)) {
                left.add(finalizer);
                continue;
            }
            client.apps().statefulSets().inNamespace(ns).withLabels(perconaLabels(p)).list().getItems()
                    .forEach(s -> client.apps().statefulSets().inNamespace(ns).withName(s.getMetadata().getName()).delete());
            client.persistentVolumeClaims().inNamespace(ns).withLabels(perconaLabels(p)).list().getItems()
                    .forEach(c -> client.persistentVolumeClaims().inNamespace(ns).withName(c.getMetadata().getName()).delete());
            Object users = get(p, "spec", "secrets", "users");
            for (String secret : List.of(String.valueOf(users), "internal-" + name(p), "internal-" + name(p) + "-users",
                    name(p) + "-mongodb-encryption-key")) {
                client.secrets().inNamespace(ns).withName(secret).delete();
            }
        }
        client.genericKubernetesResources(p.getApiVersion(), p.getKind()).inNamespace(ns).withName(name(p)).edit(x -> {
            x.getMetadata().setFinalizers(left);
            return x;
        });
    }

    /**
     * pkg/psmdb/service.go {@code Service}: one headless Service per replica set, {@code <cluster>-<replset>}
     * (pkg/naming/service.go {@code ServiceName}), on the replica set's port (27017 unless {@code port} says).
     */
    private void perconaServices(GenericKubernetesResource p) {
        List<SimulatedService> replsets = new ArrayList<>();
        if (get(p, "spec", "replsets") instanceof List<?> list) {
            for (Object rs : list) {
                if (rs instanceof Map<?, ?> r && r.get("name") instanceof String rsName) {
                    int port = r.get("port") instanceof Number n ? n.intValue() : 27017;
                    replsets.add(new SimulatedService(name(p) + "-" + rsName, "mongodb", port, true));
                }
            }
        }
        services(p, Map.of("app.kubernetes.io/name", "percona-server-mongodb", "app.kubernetes.io/instance", name(p)), replsets);
    }

    // --- Services --------------------------------------------------------------------------------------------

    /** A Service as an operator makes it: its name, one port, and whether it is headless ({@code clusterIP: None}). */
    record SimulatedService(String name, String portName, int port, boolean headless) {
    }

    /**
     * Creates the Services an operator makes for {@code owner} that are missing, once the operator has got to the
     * resource (the delay after it was first seen). Each is owned by the resource ({@code ownerReferences} with
     * {@code controller: true}, as controllerutil {@code SetControllerReference} writes in all four operators), so
     * that garbage collection removes it with the resource ({@link #garbageCollector}).
     */
    private void services(GenericKubernetesResource owner, Map<String, String> labels, List<SimulatedService> services) {
        if (!settled(key(owner, "services"))) {
            return;
        }
        String ns = ns(owner);
        for (SimulatedService s : services) {
            if (client.services().inNamespace(ns).withName(s.name()).get() != null) {
                continue;
            }
            client.services().inNamespace(ns).resource(new ServiceBuilder()
                    .withNewMetadata().withName(s.name()).withNamespace(ns).withLabels(labels)
                    .addNewOwnerReference().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                    .withName(name(owner)).withUid(owner.getMetadata().getUid()).withController(true)
                    .withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
                    .withNewSpec().withType("ClusterIP").withClusterIP(s.headless() ? "None" : null).withSelector(labels)
                    .addNewPort().withName(s.portName()).withPort(s.port()).withProtocol("TCP").endPort().endSpec()
                    .build()).create();
        }
    }

    // --- StatefulSet controller, kubelet, garbage collector ----------------------------------------------------

    /** The finalizer the API server's admission puts on every claim (the PVC protection controller's). */
    static final String PVC_PROTECTION = "kubernetes.io/pvc-protection";
    /** Which pod uses each claim the StatefulSet controller made: namespace/claim to namespace/statefulset/ordinal. */
    private final Map<String, String> claimPods = new ConcurrentHashMap<>();

    /**
     * The operator's StatefulSet: created as {@code wanted} when absent, else scaled back to one replica (on wake).
     */
    private StatefulSet ensureStatefulSet(String ns, String name, StatefulSet wanted) {
        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(name).get();
        if (sts == null) {
            return client.apps().statefulSets().inNamespace(ns).resource(wanted).create();
        }
        if (!Objects.equals(sts.getSpec().getReplicas(), 1)) {
            return client.apps().statefulSets().inNamespace(ns).withName(name).edit(s -> {
                s.getSpec().setReplicas(1);
                return s;
            });
        }
        return sts;
    }

    /** An owner reference to a custom resource, as controller-runtime's {@code SetControllerReference} writes it. */
    private static OwnerReference owner(GenericKubernetesResource r) {
        return new OwnerReferenceBuilder().withApiVersion(r.getApiVersion()).withKind(r.getKind()).withName(name(r))
                .withUid(r.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
    }

    /** The revision of a StatefulSet's pod template, as the StatefulSet controller names it ({@code <name>-<hash>}). */
    private static String revision(StatefulSet sts) {
        return sts.getMetadata().getName() + "-" + Integer.toHexString(Objects.hashCode(sts.getSpec().getTemplate()));
    }

    /** The revision the StatefulSet's pods were made from (they keep it until replaced). */
    private String podRevision(StatefulSet sts) {
        return podRevisions.computeIfAbsent(key(sts), k -> revision(sts));
    }

    /** Deletes the StatefulSet's pods (as an operator does for OnDelete): they come back from the current template. */
    private void replacePod(StatefulSet sts) {
        podRevisions.put(key(sts), revision(sts));
        replaced.add(key(sts));
        incarnations.merge(key(sts), 1, Integer::sum);
        client.apps().statefulSets().inNamespace(ns(sts)).withName(sts.getMetadata().getName()).editStatus(s -> {
            s.getStatus().setReadyReplicas(0);
            return s;
        });
    }

    /**
     * The StatefulSet controller and the kubelet (pkg/controller/statefulset/stateful_set_control.go). Claims are
     * made for the pods ({@link #claims}); {@code observedGeneration} and {@code updateRevision} follow the spec;
     * pods are ready {@code delay} after they were asked for. An OnDelete StatefulSet's pods take a new template
     * only when deleted ({@link #replacePod}), and its {@code currentRevision} is the revision they run. A
     * RollingUpdate StatefulSet's controller deletes a pod of the old revision, which terminates for the delay
     * (grace period) still ready: {@code computeReplicaStatus} counts it in {@code readyReplicas} but neither as
     * current nor as updated; then the pod is made again from the new revision and is not ready until it
     * started. {@code currentRevision} becomes {@code updateRevision} only once all pods are updated and ready
     * ({@code completeRollingUpdate}); a new StatefulSet starts with both equal.
     */
    private void kubelet(StatefulSet sts) {
        claims(sts);
        int wanted = Objects.requireNonNullElse(sts.getSpec().getReplicas(), 1);
        int ready = readyReplicas(sts);
        String revision = revision(sts);
        boolean onDelete = sts.getSpec().getUpdateStrategy() != null && "OnDelete".equals(sts.getSpec().getUpdateStrategy().getType());
        int terminatingReady = 0;
        if (!onDelete && !revision.equals(podRevision(sts))) {
            if (ready > 0 && !settled("terminating/" + key(sts) + "/" + podRevision(sts))) {
                terminatingReady = ready; // the old pod, deleted, still ready while it terminates
            } else {
                podRevisions.put(key(sts), revision); // made again from the update revision
                incarnations.merge(key(sts), 1, Integer::sum);
                ready = 0;
            }
        }
        String key = "sts/" + key(sts) + "/" + wanted + "/" + incarnations.getOrDefault(key(sts), 0);
        int nowReady = terminatingReady > 0 ? terminatingReady : ready != wanted && settled(key) ? wanted : ready;
        int updated = revision.equals(podRevision(sts)) ? wanted : 0;
        StatefulSetStatus st = sts.getStatus();
        String current;
        if (onDelete) {
            current = podRevision(sts);
        } else {
            String before = st == null || st.getCurrentRevision() == null ? revision : st.getCurrentRevision();
            current = updated == wanted && nowReady == wanted ? revision : before;
        }
        int currentReplicas = terminatingReady > 0 || !current.equals(podRevision(sts)) ? 0 : wanted;
        if (st != null && Objects.equals(st.getReplicas(), wanted) && Objects.equals(st.getReadyReplicas(), nowReady)
                && Objects.equals(st.getUpdatedReplicas(), updated) && Objects.equals(st.getUpdateRevision(), revision)
                && Objects.equals(st.getCurrentRevision(), current) && Objects.equals(st.getCurrentReplicas(), currentReplicas)
                && Objects.equals(st.getObservedGeneration(), sts.getMetadata().getGeneration())) {
            return;
        }
        client.apps().statefulSets().inNamespace(ns(sts)).withName(sts.getMetadata().getName()).editStatus(s -> {
            StatefulSetStatus n = s.getStatus() == null ? new StatefulSetStatus() : s.getStatus();
            n.setReplicas(wanted);
            n.setReadyReplicas(nowReady);
            n.setUpdatedReplicas(updated);
            n.setCurrentReplicas(currentReplicas);
            n.setUpdateRevision(revision);
            n.setCurrentRevision(current);
            n.setObservedGeneration(s.getMetadata().getGeneration());
            s.setStatus(n);
            return s;
        });
    }

    /**
     * The claims of a StatefulSet's pods (stateful_set_utils.go {@code getPersistentVolumeClaims},
     * {@code updateClaimOwnerRefForSetAndPod}): {@code <template>-<statefulset>-<ordinal>} for each claim template
     * and pod, labelled with the template's labels and the StatefulSet's selector, asking for the template's
     * storage (bound at once). Owned by the StatefulSet when {@code persistentVolumeClaimRetentionPolicy.whenDeleted}
     * is Delete, by nothing otherwise (the default Retain: the claim outlives the StatefulSet); kept on
     * scale-down ({@code whenScaled} Delete is not simulated). The API server's admission adds
     * {@code kubernetes.io/pvc-protection} ({@link #pvcProtection}).
     */
    private void claims(StatefulSet sts) {
        int wanted = Objects.requireNonNullElse(sts.getSpec().getReplicas(), 1);
        String ns = ns(sts);
        String name = sts.getMetadata().getName();
        boolean deleteWithSet = sts.getSpec().getPersistentVolumeClaimRetentionPolicy() != null
                && "Delete".equals(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted());
        for (int i = 0; i < wanted; i++) {
            for (PersistentVolumeClaim template : sts.getSpec().getVolumeClaimTemplates()) {
                String claim = template.getMetadata().getName() + "-" + name + "-" + i;
                if (client.persistentVolumeClaims().inNamespace(ns).withName(claim).get() != null) {
                    continue;
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (template.getMetadata().getLabels() != null) {
                    labels.putAll(template.getMetadata().getLabels());
                }
                if (sts.getSpec().getSelector() != null && sts.getSpec().getSelector().getMatchLabels() != null) {
                    labels.putAll(sts.getSpec().getSelector().getMatchLabels());
                }
                io.fabric8.kubernetes.api.model.Quantity size = template.getSpec().getResources().getRequests().get("storage");
                PersistentVolumeClaimBuilder b = new PersistentVolumeClaimBuilder()
                        .withNewMetadata().withName(claim).withNamespace(ns).withLabels(labels).withFinalizers(PVC_PROTECTION).endMetadata()
                        .withNewSpec().withAccessModes(template.getSpec().getAccessModes())
                        .withStorageClassName(template.getSpec().getStorageClassName())
                        .withNewResources().addToRequests("storage", size).endResources().endSpec()
                        .withNewStatus().withPhase("Bound").addToCapacity("storage", size).endStatus();
                if (deleteWithSet) {
                    b.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
                            .withName(name).withUid(sts.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build())
                            .endMetadata();
                }
                client.persistentVolumeClaims().inNamespace(ns).resource(b.build()).create();
                claimPods.put(ns + "/" + claim, ns + "/" + name + "/" + i);
            }
        }
    }

    /**
     * The PVC protection controller (pkg/controller/volume/pvcprotection): a claim being deleted keeps its
     * {@code kubernetes.io/pvc-protection} finalizer while a pod uses it, here while the StatefulSet it was made
     * for still has the pod of its ordinal (the pods go with their StatefulSet, or with a scale-down).
     */
    private void pvcProtection() {
        for (PersistentVolumeClaim pvc : client.persistentVolumeClaims().inAnyNamespace().list().getItems()) {
            if (pvc.getMetadata().getDeletionTimestamp() == null || !pvc.getMetadata().getFinalizers().contains(PVC_PROTECTION)) {
                continue;
            }
            String pod = claimPods.get(pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getName());
            boolean inUse = false;
            if (pod != null) {
                String[] p = pod.split("/");
                StatefulSet sts = client.apps().statefulSets().inNamespace(p[0]).withName(p[1]).get();
                inUse = sts != null && replicas(sts) > Integer.parseInt(p[2]);
            }
            if (!inUse) {
                client.persistentVolumeClaims().inNamespace(pvc.getMetadata().getNamespace()).withName(pvc.getMetadata().getName()).edit(c -> {
                    c.getMetadata().getFinalizers().remove(PVC_PROTECTION);
                    return c;
                });
            }
        }
    }

    /**
     * The garbage collector, with the background propagation of a plain delete: a StatefulSet, claim or Secret
     * whose owners (by uid) are all gone is deleted. While an owner is held by a finalizer it still exists, and so
     * do its dependents.
     */
    private void garbageCollector() {
        Set<String> alive = new HashSet<>();
        for (String[] cr : ApiServerSimulation.CUSTOM_RESOURCES) {
            list(cr[0] + "/" + cr[3], cr[2]).forEach(r -> alive.add(r.getMetadata().getUid()));
        }
        List<HasMetadata> dependents = new ArrayList<>();
        List<StatefulSet> sets = client.apps().statefulSets().inAnyNamespace().list().getItems();
        sets.forEach(s -> alive.add(s.getMetadata().getUid()));
        dependents.addAll(sets);
        dependents.addAll(client.persistentVolumeClaims().inAnyNamespace().list().getItems());
        dependents.addAll(client.secrets().inAnyNamespace().list().getItems());
        dependents.addAll(client.services().inAnyNamespace().list().getItems());
        for (HasMetadata d : dependents) {
            List<OwnerReference> owners = d.getMetadata().getOwnerReferences();
            if (owners != null && !owners.isEmpty() && owners.stream().noneMatch(o -> alive.contains(o.getUid()))) {
                client.resource(d).inNamespace(d.getMetadata().getNamespace()).delete();
            }
        }
    }

    private static int readyReplicas(StatefulSet sts) {
        return sts.getStatus() == null ? 0 : Objects.requireNonNullElse(sts.getStatus().getReadyReplicas(), 0);
    }

    private static int replicas(StatefulSet sts) {
        return Objects.requireNonNullElse(sts.getSpec().getReplicas(), 1);
    }

    private static String key(StatefulSet sts) {
        return sts.getMetadata().getNamespace() + "/" + sts.getMetadata().getName() + "/" + sts.getMetadata().getUid();
    }

    private static String ns(StatefulSet sts) {
        return sts.getMetadata().getNamespace();
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

    private void writeStatus(GenericKubernetesResource r, Map<String, Object> written) {
        writeStatus(client, r, written);
    }

    /** Writes a resource's status as an operator does, unless it holds that already (transition times kept). */
    static void writeStatus(KubernetesClient client, GenericKubernetesResource r, Map<String, Object> written) {
        Map<String, Object> status = withTransitionTimes(written, r.getAdditionalProperties().get("status"));
        if (normalised(status).equals(normalised(r.getAdditionalProperties().get("status")))) {
            return;
        }
        var resource = client.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(ns(r)).withName(name(r));
        try {
            resource.editStatus(x -> {
                x.setAdditionalProperty("status", status);
                return x;
            });
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // deleted between the pass's list and this write: a controller's status update meets NotFound and the
            // next reconcile finds the object gone (controller-runtime's IgnoreNotFound). Any other 404 is a bug.
            if (e.getCode() != 404 || resource.get() != null) {
                throw e;
            }
        }
    }

    /**
     * The status with each condition's {@code lastTransitionTime} as apimachinery's {@code meta.SetStatusCondition}
     * keeps it: the stored condition's time when its status is unchanged, else now. The CRDs' schema for
     * {@code metav1.Condition} requires it (a condition without it is refused with 422).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withTransitionTimes(Map<String, Object> status, Object stored) {
        if (!(status.get("conditions") instanceof List<?> conditions)) {
            return status;
        }
        List<?> before = stored instanceof Map<?, ?> s && s.get("conditions") instanceof List<?> l ? l : List.of();
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        List<Map<String, Object>> timed = new ArrayList<>();
        for (Object c : conditions) {
            Map<String, Object> condition = new LinkedHashMap<>((Map<String, Object>) c);
            Object time = before.stream().map(b -> (Map<String, Object>) b)
                    .filter(b -> condition.get("type").equals(b.get("type")) && condition.get("status").equals(b.get("status")))
                    .map(b -> b.get("lastTransitionTime")).filter(t -> t != null).findFirst().orElse(now);
            condition.putIfAbsent("lastTransitionTime", time);
            timed.add(condition);
        }
        Map<String, Object> copy = new LinkedHashMap<>(status);
        copy.put("conditions", timed);
        return copy;
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

    /**
     * A condition as CloudNativePG and mariadb-operator write it ({@code meta.SetStatusCondition} with type,
     * status, reason, message): no {@code observedGeneration}, which neither operator sets.
     */
    static Map<String, Object> condition(String type, boolean status, String reason, String message) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status ? "True" : "False");
        c.put("reason", reason);
        c.put("message", message);
        return c;
    }

    private void addFinalizer(GenericKubernetesResource r, String finalizer) {
        if (!r.getMetadata().getFinalizers().contains(finalizer)) {
            client.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(ns(r)).withName(name(r)).edit(x -> {
                x.getMetadata().getFinalizers().add(finalizer);
                return x;
            });
        }
    }

    /** Removes an operator's finalizer; the API server drops a resource being deleted once it has none left. */
    private void removeFinalizer(GenericKubernetesResource r, String finalizer) {
        client.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(ns(r)).withName(name(r)).edit(x -> {
            x.getMetadata().getFinalizers().remove(finalizer);
            return x;
        });
    }

    /** A Secret's data, decoded, or null when there is no such Secret. */
    private Map<String, String> secretData(String ns, String name) {
        io.fabric8.kubernetes.api.model.Secret s = client.secrets().inNamespace(ns).withName(name).get();
        if (s == null) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        return data;
    }

    /** Lowercase hex of the SHA-256 of a text (PSMDB's users.go {@code sha256Hash}). */
    static String sha256Hex(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
