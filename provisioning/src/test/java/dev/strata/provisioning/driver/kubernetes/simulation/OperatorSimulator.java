package dev.strata.provisioning.driver.kubernetes.simulation;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
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
 * Neither CloudNativePG nor mariadb-operator writes {@code observedGeneration} on a condition, and neither acts on
 * a new spec at once: for the delay their status stays that of the old spec (a stale Ready=True after a resize),
 * then they roll it out through their own phases and reasons: CloudNativePG recreates its instance Pod and grows
 * its PVC, mariadb-operator resizes storage and replaces the pod of its OnDelete StatefulSet.
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
        String instance = name + "-1"; // pkg/specs GetInstanceName: <cluster>-<serial>
        String oldPhase = (String) get(c, "status", "phase");
        if (!settled) {
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
        String ns = ns(m);
        String name = name(m);
        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(name).get();
        if (sts == null) {
            sts = ensureStatefulSet(ns, name, mariaDbPodTemplate(m), String.valueOf(get(m, "spec", "storage", "size")));
        }
        boolean hadStatus = get(m, "status", "conditions") != null;
        if (!settled(m, false)) {
            if (!hadStatus) {
                writeStatus(m, Map.of("conditions", List.of(condition("Ready", false, "StatefulSetNotReady", "Not ready"))));
            }
            return; // the operator has not got to this spec yet: the status of its last loop stays
        }
        sts = ensureStatefulSet(ns, name, null, null); // scaled back to 1 on wake
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

    /**
     * The operator's StatefulSet: created (one replica; with {@code template} and a {@code storage} claim of
     * {@code storage} when given, OnDelete as mariadb-operator makes it) or scaled back to one replica.
     */
    private StatefulSet ensureStatefulSet(String ns, String name, PodTemplateSpec template, String storage) {
        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(name).get();
        if (sts == null) {
            StatefulSetBuilder b = new StatefulSetBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                    .withNewSpec().withReplicas(1).withServiceName(name).endSpec();
            if (template != null) {
                b.editSpec().withTemplate(template).withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                        .addNewVolumeClaimTemplate().withNewMetadata().withName("storage").endMetadata()
                        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                        .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(storage)).endResources().endSpec()
                        .endVolumeClaimTemplate().endSpec();
            }
            return client.apps().statefulSets().inNamespace(ns).resource(b.build()).create();
        }
        if (!Objects.equals(sts.getSpec().getReplicas(), 1)) {
            return client.apps().statefulSets().inNamespace(ns).withName(name).edit(s -> {
                s.getSpec().setReplicas(1);
                return s;
            });
        }
        return sts;
    }

    private void ensureStatefulSet(String ns, String name) {
        ensureStatefulSet(ns, name, null, null);
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
     * The StatefulSet controller and the kubelet: {@code observedGeneration} and {@code updateRevision} follow
     * the spec; pods are ready {@code delay} after they were asked for; a RollingUpdate StatefulSet's pods take a
     * new template at once, an OnDelete one's only when deleted ({@link #replacePod});
     * {@code updatedReplicas} counts the pods of the update revision.
     */
    private void kubelet(StatefulSet sts) {
        int wanted = Objects.requireNonNullElse(sts.getSpec().getReplicas(), 1);
        int ready = readyReplicas(sts);
        String revision = revision(sts);
        boolean onDelete = sts.getSpec().getUpdateStrategy() != null && "OnDelete".equals(sts.getSpec().getUpdateStrategy().getType());
        if (!onDelete) {
            podRevisions.put(key(sts), revision);
        }
        String key = "sts/" + key(sts) + "/" + wanted + "/" + incarnations.getOrDefault(key(sts), 0);
        int nowReady = ready != wanted && settled(key) ? wanted : ready;
        int updated = revision.equals(podRevision(sts)) ? wanted : 0;
        StatefulSetStatus st = sts.getStatus();
        if (st != null && Objects.equals(st.getReplicas(), wanted) && Objects.equals(st.getReadyReplicas(), nowReady)
                && Objects.equals(st.getUpdatedReplicas(), updated) && Objects.equals(st.getUpdateRevision(), revision)
                && Objects.equals(st.getObservedGeneration(), sts.getMetadata().getGeneration())) {
            return;
        }
        client.apps().statefulSets().inNamespace(ns(sts)).withName(sts.getMetadata().getName()).editStatus(s -> {
            StatefulSetStatus n = s.getStatus() == null ? new StatefulSetStatus() : s.getStatus();
            n.setReplicas(wanted);
            n.setReadyReplicas(nowReady);
            n.setUpdatedReplicas(updated);
            n.setUpdateRevision(revision);
            n.setCurrentRevision(podRevision(sts));
            n.setObservedGeneration(s.getMetadata().getGeneration());
            s.setStatus(n);
            return s;
        });
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
        Map<String, Object> status = withTransitionTimes(written, r.getAdditionalProperties().get("status"));
        if (normalised(status).equals(normalised(r.getAdditionalProperties().get("status")))) {
            return;
        }
        client.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(ns(r)).withName(name(r))
                .editStatus(x -> {
                    x.setAdditionalProperty("status", status);
                    return x;
                });
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
    private static Map<String, Object> condition(String type, boolean status, String reason, String message) {
        Map<String, Object> c = new LinkedHashMap<>();
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
