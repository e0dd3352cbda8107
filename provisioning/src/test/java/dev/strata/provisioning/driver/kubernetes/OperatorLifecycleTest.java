package dev.strata.provisioning.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.StorageSize;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.kubernetes.simulation.ApiServerSimulation;
import dev.strata.provisioning.driver.kubernetes.simulation.OperatorSimulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators' lifecycle behaviours that make life hard, against the simulated API server and operators:
 * OpsTree's finalizer and its rolling StatefulSet (the old pod still ready during a rollout), PSMDB's users made
 * only after the cluster is ready (and its annotation key that overflows on long names), and a delete that leaves
 * no volume and no Secret of the database for every engine, whatever each operator retains.
 */
class OperatorLifecycleTest {

    private static final String NS = "strata-ws-01jtestworkspace000000000000";

    private static ApiServerSimulation apiServer;
    private static OperatorSimulator operators;
    private static KubernetesCluster cluster;
    private static int serial;

    private static SimulatedCluster simulated;

    @BeforeAll
    static void start() throws Exception {
        // longer than OperatorDriversTest's: the tests look at short-lived stale states, and the build machine is busy
        simulated = SimulatedCluster.start(Duration.ofMillis(500), new StrataConfig());
        apiServer = simulated.apiServer();
        operators = simulated.operators();
        cluster = simulated.cluster();
    }

    @AfterAll
    static void stop() {
        simulated.close();
    }

    private static InstanceSpec spec(Engine engine, String version, String memory, boolean sleeping, String id, String username, String password) {
        return new InstanceSpec(id, "ws_01jtestworkspace000000000000", "proj_01jtestproject0000000000000", engine, version,
                CpuQuantity.parse("500m"), MemoryQuantity.parse(memory), new StorageSize(10), "fast-ssd", null,
                username, username, password, "admin-pass-2", sleeping, null);
    }

    private static InstanceSpec spec(Engine engine, String version, String memory, boolean sleeping, String id) {
        return spec(engine, version, memory, sleeping, id, "orders", "app-pass/word+1");
    }

    /** A Strata database id: {@code db_} and a 26-character ULID, so the resource name has Strata's real length. */
    private static String newId() {
        return "db_01jtestlifecycle000000000" + (char) ('a' + serial++);
    }

    private static String name(String id) {
        return KubernetesCluster.dnsName(id);
    }

    private static GenericKubernetesResource stored(ResourceKind kind, String name) {
        return apiServer.client().genericKubernetesResources(kind.apiVersion(), kind.kind()).inNamespace(NS).withName(name).get();
    }

    private static void failFast() throws Throwable {
        if (operators.lastError() != null) {
            throw operators.lastError();
        }
    }

    private static void untilReady(OperatorDriver driver, InstanceSpec spec) {
        await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", OperatorLifecycleTest::failFast)
                .until(() -> driver.ensureRunning(spec), InstanceObservation::ready);
    }

    /** Deletes as the reconciler does ({@link SimulatedCluster#untilDeleted}); what it waited for. */
    private static List<String> untilDeleted(OperatorDriver driver, InstanceSpec spec) {
        return simulated.untilDeleted(driver, spec);
    }

    /** Names of the PersistentVolumeClaims and Secrets in the namespace that belong to the resource {@code name}. */
    private static List<String> leftOf(String name, String id) {
        List<String> left = new ArrayList<>();
        for (PersistentVolumeClaim pvc : apiServer.client().persistentVolumeClaims().inNamespace(NS).list().getItems()) {
            if (pvc.getMetadata().getName().contains(name)) {
                left.add("PersistentVolumeClaim " + pvc.getMetadata().getName());
            }
        }
        for (var s : apiServer.client().secrets().inNamespace(NS).list().getItems()) {
            Map<String, String> labels = s.getMetadata().getLabels();
            if (s.getMetadata().getName().contains(name) || labels != null && id.equals(labels.get(KubernetesCluster.DATABASE_ID_LABEL))) {
                left.add("Secret " + s.getMetadata().getName());
            }
        }
        for (StatefulSet sts : apiServer.client().apps().statefulSets().inNamespace(NS).list().getItems()) {
            if (sts.getMetadata().getName().contains(name)) {
                left.add("StatefulSet " + sts.getMetadata().getName());
            }
        }
        return left;
    }

    /**
     * OpsTree rolls its StatefulSet: after a resize the operator first keeps the old template (the StatefulSet is
     * fully rolled out, on the old spec), then writes the new one, and the old pod still serves, ready, while it
     * terminates. Neither is the database on its new spec. Each observation is checked against the StatefulSet
     * as it was before and after it, when the two are the same object version.
     */
    @Test
    void aRedisIsNotReadyWhileItsOldPodServes() {
        RedisOperatorDriver driver = new RedisOperatorDriver(cluster);
        String id = newId();
        String name = name(id);
        untilReady(driver, spec(Engine.REDIS, "7.0.15", "512Mi", false, id));

        InstanceSpec bigger = spec(Engine.REDIS, "7.0.15", "1Gi", false, id);
        assertThat(driver.ensureRunning(bigger).message()).contains("written, waiting for its operator");
        List<String> seen = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .failFast("the operator simulator failed", OperatorLifecycleTest::failFast)
                .until(() -> {
                    Optional<JsonObject> before = cluster.api().get(ResourceKind.STATEFUL_SET, NS, name);
                    InstanceObservation o = driver.ensureRunning(bigger);
                    Optional<JsonObject> after = cluster.api().get(ResourceKind.STATEFUL_SET, NS, name);
                    String version = Json.string(before.orElseThrow(), "metadata", "resourceVersion").orElseThrow();
                    if (!version.equals(Json.string(after.orElseThrow(), "metadata", "resourceVersion").orElseThrow())) {
                        return false; // the StatefulSet changed meanwhile: nothing to compare with
                    }
                    JsonObject sts = after.get();
                    String memory = Json.at(sts, "spec", "template", "spec").flatMap(p -> OperatorDriver.container(p.getAsJsonObject(), name))
                            .flatMap(c -> Json.string(c, "resources", "limits", "memory")).orElseThrow();
                    boolean oldTemplate = !OperatorDriver.sameQuantity(memory, "1Gi");
                    boolean oldPodServes = !oldTemplate && Json.number(sts, "status", "readyReplicas").orElse(0L) == 1
                            && Json.number(sts, "status", "updatedReplicas").orElse(0L) == 0
                            && !Json.string(sts, "status", "currentRevision").equals(Json.string(sts, "status", "updateRevision"));
                    if (oldTemplate && OperatorDriver.rolledOut(sts)) {
                        seen.add("old spec rolled out");
                        assertThat(o.ready()).as("the StatefulSet still has the old spec: " + o.message()).isFalse();
                        assertThat(o.message()).contains("has the previous spec");
                    }
                    if (oldPodServes) {
                        seen.add("old pod serves");
                        assertThat(Json.statusCurrent(sts)).as("the StatefulSet controller has seen the new template").isTrue();
                        assertThat(o.ready()).as("the old pod still serves: " + o.message()).isFalse();
                        assertThat(o.message()).contains("rolling out StatefulSet " + name);
                    }
                    return o.ready();
                });
        assertThat(seen).as("the rollout went through both stale phases").contains("old spec rolled out", "old pod serves");
        StatefulSet sts = apiServer.client().apps().statefulSets().inNamespace(NS).withName(name).get();
        assertThat(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
        assertThat(sts.getStatus().getCurrentRevision()).isEqualTo(sts.getStatus().getUpdateRevision());
        assertThat(sts.getStatus().getUpdatedReplicas()).isEqualTo(1);

        untilDeleted(driver, bigger);
        assertThat(operators.lastError()).isNull();
    }

    /**
     * OpsTree puts its finalizer on the Redis: a delete only marks it, and the operator deletes the data volume
     * before it lets the resource go; the StatefulSet follows by garbage collection, and the volume only once no
     * pod uses it. Strata's delete is done only when all of it is gone.
     */
    @Test
    void deletingARedisWaitsForItsOperatorsFinalizer() {
        RedisOperatorDriver driver = new RedisOperatorDriver(cluster);
        String id = newId();
        String name = name(id);
        InstanceSpec spec = spec(Engine.REDIS, "7.0.15", "512Mi", false, id);
        untilReady(driver, spec);
        assertThat(stored(RedisOperatorDriver.REDIS, name).getMetadata().getFinalizers()).containsExactly("redisFinalizer");
        PersistentVolumeClaim data = apiServer.client().persistentVolumeClaims().inNamespace(NS).withName(name + "-" + name + "-0").get();
        assertThat(data).as("the claim of the StatefulSet's template").isNotNull();
        assertThat(data.getMetadata().getOwnerReferences()).as("retained by the StatefulSet controller: no owner").isNullOrEmpty();

        assertThatThrownBy(() -> driver.delete(spec)).isInstanceOfSatisfying(KubernetesFailure.class, e -> assertThat(e.code()).isEqualTo(409))
                .hasMessageContaining("Redis " + name).hasMessageContaining("still being removed by its operator")
                .hasMessageContaining("redisFinalizer");
        assertThat(stored(RedisOperatorDriver.REDIS, name).getMetadata().getDeletionTimestamp()).as("marked, held by the finalizer").isNotNull();
        assertThat(apiServer.secret(NS, name + "-auth")).as("kept while the operator may still need it").isNotNull();

        List<String> waitedFor = untilDeleted(driver, spec);
        assertThat(waitedFor).anyMatch(m -> m.contains("redisFinalizer"));
        assertThat(stored(RedisOperatorDriver.REDIS, name)).isNull();
        assertThat(leftOf(name, id)).isEmpty();
        assertThat(operators.lastError()).isNull();
    }

    /**
     * PSMDB creates the users of {@code spec.users} only once the cluster's state is {@code ready}, in a later
     * loop: there is a time when the state says ready and the application user does not exist. The operator marks
     * the user's password Secret with the password's hash when it created the user (and after changing the
     * password): that is the signal.
     */
    @Test
    void mongodbIsReadyOnlyOnceThePerconaOperatorCreatedItsUser() {
        PerconaMongoDriver driver = new PerconaMongoDriver(cluster);
        String id = newId();
        String name = name(id);
        InstanceSpec spec = spec(Engine.MONGODB, "7.0", "1Gi", false, id);
        String annotation = "percona.com/" + name + "-orders-hash";

        List<String> stale = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .failFast("the operator simulator failed", OperatorLifecycleTest::failFast)
                .until(() -> {
                    InstanceObservation o = driver.ensureRunning(spec);
                    Map<String, String> annotations = apiServer.client().secrets().inNamespace(NS).withName(name + "-app").get()
                            .getMetadata().getAnnotations();
                    boolean userMade = annotations != null && annotations.containsKey(annotation);
                    if ("ready".equals(OperatorSimulator.get(stored(PerconaMongoDriver.PSMDB, name), "status", "state")) && !userMade) {
                        stale.add(o.message());
                        assertThat(o.ready()).as("state ready, the user not made yet").isFalse();
                    }
                    return o.ready();
                });
        assertThat(stale).as("there was a time with state ready and no user")
                .anyMatch(m -> m.contains("waiting for the operator to create user orders"));
        assertThat(apiServer.client().secrets().inNamespace(NS).withName(name + "-app").get().getMetadata().getAnnotations())
                .containsEntry(annotation, PerconaMongoDriver.sha256Hex("app-pass/word+1"));

        // a new password: written into the Secret at once, ready only once the operator changed it in MongoDB
        InstanceSpec changed = spec(Engine.MONGODB, "7.0", "1Gi", false, id, "orders", "an0ther-pass");
        InstanceObservation first = driver.ensureRunning(changed);
        assertThat(apiServer.secret(NS, name + "-app")).containsEntry("password", "an0ther-pass");
        assertThat(first.ready()).isFalse();
        assertThat(first.message()).contains("waiting for the operator to set the password of user orders");
        untilReady(driver, changed);
        assertThat(apiServer.client().secrets().inNamespace(NS).withName(name + "-app").get().getMetadata().getAnnotations())
                .containsEntry(annotation, PerconaMongoDriver.sha256Hex("an0ther-pass"));

        untilDeleted(driver, changed);
        assertThat(operators.lastError()).isNull();
    }

    /**
     * PSMDB 1.22 records a user's password hash under {@code percona.com/<cluster>-<user>-hash}; an annotation key's
     * name part may have 63 characters. With Strata's 29-character resource names a user name from a long slug
     * would not fit: the driver shortens it, deterministically, and connects with the shortened name.
     */
    @Test
    void aLongMongoUserNameIsShortenedToFitThePerconaAnnotationKey() {
        PerconaMongoDriver driver = new PerconaMongoDriver(cluster);
        String id = newId();
        String name = name(id);
        String longUser = "customer_orders_of_the_north_west_region";
        InstanceSpec spec = spec(Engine.MONGODB, "7.0", "1Gi", false, id, longUser, "app-pass/word+1");

        driver.ensureRunning(spec);
        @SuppressWarnings("unchecked")
        String user = (String) ((List<Map<String, Object>>) OperatorSimulator.get(stored(PerconaMongoDriver.PSMDB, name), "spec", "users"))
                .get(0).get("name");
        assertThat(user).isNotEqualTo(longUser).startsWith("customer_orders");
        assertThat(("percona.com/" + name + "-" + user + "-hash").length()).isEqualTo("percona.com/".length() + 63);
        assertThat(PerconaMongoDriver.mongoUser(spec, cluster.target(spec))).as("the same on every pass").isEqualTo(user);
        InstanceSpec other = spec(Engine.MONGODB, "7.0", "1Gi", false, id, longUser.replace("west", "east"), "app-pass/word+1");
        assertThat(PerconaMongoDriver.mongoUser(other, cluster.target(other))).as("another long name, another user").isNotEqualTo(user);
        assertThat(PerconaMongoDriver.mongoUser(spec(Engine.MONGODB, "7.0", "1Gi", false, id), cluster.target(spec)))
                .as("a short name is kept").isEqualTo("orders");

        untilReady(driver, spec);
        assertThat(driver.connection(spec).username()).isEqualTo(user);
        assertThat(driver.connection(spec).uri()).startsWith("mongodb://" + user + ":");
        untilDeleted(driver, spec);
        assertThat(operators.lastError()).isNull();
    }

    /**
     * The simulated PSMDB behaves as v1.22.0 does with a user name that overflows the annotation key: the user is
     * created, the Secret's annotation is refused, the state turns to error once, then back to ready, and the
     * hash never appears: a driver that waits for it would wait forever, one that trusts the state would not know.
     */
    @Test
    void perconaCannotRecordTheHashOfAUserWhoseNameOverflowsTheAnnotationKey() {
        PerconaMongoDriver driver = new PerconaMongoDriver(cluster);
        String id = newId();
        String name = name(id);
        InstanceSpec spec = spec(Engine.MONGODB, "7.0", "1Gi", false, id);
        String longUser = "customer_orders_of_the_north_west_region";
        JsonObject psmdb = driver.desired(spec);
        psmdb.getAsJsonObject("spec").getAsJsonArray("users").get(0).getAsJsonObject().addProperty("name", longUser);
        cluster.api().ensureNamespace(NS);
        cluster.api().putSecret(NS, name + "-app", Map.of("password", "app-pass/word+1"), Map.of());
        cluster.api().create(PerconaMongoDriver.PSMDB, psmdb);

        // the error lasts one reconcile; the operator's conditions keep it (one per type, never removed)
        GenericKubernetesResource p = await().atMost(Duration.ofSeconds(20))
                .failFast("the operator simulator failed", OperatorLifecycleTest::failFast)
                .until(() -> stored(PerconaMongoDriver.PSMDB, name), x -> "ready".equals(OperatorSimulator.get(x, "status", "state"))
                        && String.valueOf(OperatorSimulator.get(x, "status", "conditions")).contains("type=error"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) OperatorSimulator.get(p, "status", "conditions");
        Map<String, Object> error = conditions.stream().filter(c -> "error".equals(c.get("type"))).findFirst().orElseThrow();
        assertThat(error).containsEntry("status", "True").containsEntry("reason", "ErrorReconcile");
        assertThat((String) error.get("message")).contains("reconcile custom users: create user " + longUser)
                .contains("name part must be no more than 63 characters");
        assertThat(OperatorSimulator.get(p, "status", "message")).as("ready again: no message").isNull();
        assertThat(apiServer.client().secrets().inNamespace(NS).withName(name + "-app").get().getMetadata().getAnnotations())
                .as("the hash is never recorded").isNullOrEmpty();
        assertThat(driver.notReadyReason(cluster.api().get(PerconaMongoDriver.PSMDB, NS, name).orElseThrow(), spec, cluster.target(spec)))
                .as("the user of the driver's own spec is not the one made").isNotNull();
        untilDeleted(driver, spec);
        assertThat(operators.lastError()).isNull();
    }

    /** A PSMDB cluster created without the finalizer gets it on the next pass; the operator's own are left alone. */
    @Test
    void aPerconaClusterWithoutTheDeleteFinalizerGetsIt() {
        PerconaMongoDriver driver = new PerconaMongoDriver(cluster);
        InstanceSpec spec = spec(Engine.MONGODB, "7.0", "1Gi", false, newId());
        JsonObject current = driver.desired(spec);
        assertThat(current.getAsJsonObject("metadata").get("finalizers").toString()).isEqualTo("[\"percona.com/delete-psmdb-pvc\"]");
        current.getAsJsonObject("metadata").remove("finalizers");
        assertThat(driver.changes(current, spec, cluster.target(spec)).toString())
                .isEqualTo("[{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":[\"percona.com/delete-psmdb-pvc\"]}]");
        current.getAsJsonObject("metadata").add("finalizers", Json.arr("percona.com/delete-pitr-chunks"));
        assertThat(driver.changes(current, spec, cluster.target(spec)).toString())
                .isEqualTo("[{\"op\":\"add\",\"path\":\"/metadata/finalizers/-\",\"value\":\"percona.com/delete-psmdb-pvc\"}]");
    }

    /**
     * After Strata's delete nothing of the database is left, for each engine: CloudNativePG's PVCs go with the
     * Cluster (owned), mariadb-operator's only with {@code pvcRetentionPolicy.whenDeleted: Delete} (and a sleep,
     * a scale to zero, must keep them: {@code whenScaled: Retain}), OpsTree's through its finalizer, PSMDB's and
     * its Secrets only through {@code percona.com/delete-psmdb-pvc}; each after the garbage collector and the PVC
     * protection let them go.
     */
    @Test
    void aDeleteLeavesNoVolumeAndNoSecretOfTheDatabase() {
        List<OperatorDriver> drivers = List.of(new CloudNativePgDriver(cluster), new MariaDbOperatorDriver(cluster),
                new RedisOperatorDriver(cluster), new PerconaMongoDriver(cluster));
        Map<Engine, String> versions = Map.of(Engine.POSTGRESQL, "16", Engine.MYSQL, "11.4", Engine.REDIS, "7.0.15", Engine.MONGODB, "7.0");
        for (OperatorDriver driver : drivers) {
            String id = newId();
            String name = name(id);
            Engine engine = driver.engine();
            InstanceSpec spec = spec(engine, versions.get(engine), "1Gi", false, id);
            untilReady(driver, spec);
            List<String> made = leftOf(name, id);
            assertThat(made).as(engine + ": its volume and Secrets exist").anyMatch(x -> x.startsWith("PersistentVolumeClaim"))
                    .anyMatch(x -> x.startsWith("Secret"));

            if (engine == Engine.MYSQL) {
                GenericKubernetesResource m = stored(MariaDbOperatorDriver.MARIADB, name);
                assertThat(OperatorSimulator.get(m, "spec", "storage", "pvcRetentionPolicy"))
                        .isEqualTo(Map.of("whenDeleted", "Delete", "whenScaled", "Retain"));
                InstanceSpec asleep = spec(engine, versions.get(engine), "1Gi", true, id);
                await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", OperatorLifecycleTest::failFast)
                        .until(() -> driver.stop(asleep), InstanceObservation::stopped);
                assertThat(apiServer.client().persistentVolumeClaims().inNamespace(NS).withName("storage-" + name + "-0").get())
                        .as("asleep: scaled to zero, the data kept").isNotNull();
                untilReady(driver, spec);
            }
            if (engine == Engine.MONGODB) {
                assertThat(stored(PerconaMongoDriver.PSMDB, name).getMetadata().getFinalizers()).containsExactly("percona.com/delete-psmdb-pvc");
            }

            untilDeleted(driver, spec);
            assertThat(stored(driver.kind(), name)).isNull();
            assertThat(leftOf(name, id)).as(engine + ": left after delete (had " + made + ")").isEmpty();
        }
        assertThat(operators.lastError()).isNull();
    }
}
