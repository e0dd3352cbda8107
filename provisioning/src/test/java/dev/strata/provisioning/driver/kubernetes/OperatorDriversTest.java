package dev.strata.provisioning.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.strata.domain.database.ConnectionInfo;
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
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The four operator drivers against a simulated API server and simulated operators: the exact resource each
 * writes, readiness from the operator's status, connection details, resize, sleep and wake, delete, the API
 * server's refusals as status messages, and what the operators do to the spec (canonical quantities written by
 * a webhook, defaults written by the operator, immutable fields) without Strata fighting them.
 */
class OperatorDriversTest {

    private static ApiServerSimulation apiServer;
    private static OperatorSimulator operators;
    private static KubernetesCluster cluster;
    private static SimulatedCluster simulated;

    @BeforeAll
    static void start() throws Exception {
        simulated = SimulatedCluster.start(Duration.ofMillis(300), new StrataConfig());
        apiServer = simulated.apiServer();
        operators = simulated.operators();
        cluster = simulated.cluster();
    }

    @AfterAll
    static void stop() {
        simulated.close();
    }

    private static int serial;

    private static InstanceSpec spec(Engine engine, String version, int storageGb, String memory, boolean sleeping, String id) {
        return spec(engine, version, "500m", storageGb, memory, sleeping, id);
    }

    private static InstanceSpec spec(Engine engine, String version, String cpu, int storageGb, String memory, boolean sleeping, String id) {
        return new InstanceSpec(id, "ws_01jtestworkspace000000000000", "proj_01jtestproject0000000000000", engine, version,
                CpuQuantity.parse(cpu), MemoryQuantity.parse(memory), new StorageSize(storageGb), "fast-ssd", null,
                "orders", "orders", "app-pass/word+1", "admin-pass-2", sleeping, null);
    }

    private static String newId() {
        // a, b, ... z, then 10, 11, ...: past 26 databases the ids stay valid Kubernetes names
        String suffix = Integer.toString(10 + serial++, 36);
        return "db_01jtestdatabase000000000" + (suffix.length() < 2 ? "0" : "") + suffix;
    }

    private static GenericKubernetesResource stored(ResourceKind kind, String ns, String name) {
        return apiServer.client().genericKubernetesResources(kind.apiVersion(), kind.kind()).inNamespace(ns).withName(name).get();
    }

    private static Object at(GenericKubernetesResource r, String dotted) {
        return OperatorSimulator.get(r, dotted.split("\\."));
    }

    private static Map<String, String> secret(String ns, String name) {
        return apiServer.secret(ns, name);
    }

    private static InstanceObservation untilReady(OperatorDriver driver, InstanceSpec spec) {
        return await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> driver.ensureRunning(spec), InstanceObservation::ready);
    }

    private static void untilAsleep(OperatorDriver driver, InstanceSpec spec) {
        await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> driver.stop(spec), InstanceObservation::stopped);
    }

    /** Deletes as the reconciler does ({@link SimulatedCluster#untilDeleted}). */
    private static void untilDeleted(OperatorDriver driver, InstanceSpec spec) {
        simulated.untilDeleted(driver, spec);
    }

    @Test
    void postgresqlIsACloudNativePgCluster() {
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.POSTGRESQL, "16", 10, "1Gi", false, id);
        String ns = "strata-ws-01jtestworkspace000000000000";
        String name = id.replace('_', '-');

        InstanceObservation first = driver.ensureRunning(spec);
        assertThat(first.ready()).isFalse();
        assertThat(first.failure()).isNull();
        assertThat(first.message()).contains("Cluster " + name);

        GenericKubernetesResource c = stored(CloudNativePgDriver.CLUSTER, ns, name);
        assertThat(c.getApiVersion()).isEqualTo("postgresql.cnpg.io/v1");
        assertThat(c.getKind()).isEqualTo("Cluster");
        assertThat(c.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "strata")
                .containsEntry("strata.dev/database-id", id).containsEntry("strata.dev/workspace-id", "ws_01jtestworkspace000000000000")
                .containsEntry("strata.dev/project-id", "proj_01jtestproject0000000000000");
        assertThat(c.getMetadata().getAnnotations()).containsEntry("cnpg.io/hibernation", "off");
        assertThat(at(c, "spec.instances")).isEqualTo(1);
        assertThat(at(c, "spec.imageName")).isEqualTo("ghcr.io/cloudnative-pg/postgresql:16.15-system-trixie");
        assertThat(at(c, "spec.storage.size")).isEqualTo("10Gi");
        assertThat(at(c, "spec.storage.storageClass")).isEqualTo("fast-ssd");
        assertThat(at(c, "spec.resources.requests")).isEqualTo(Map.of("cpu", "500m", "memory", "1Gi"));
        assertThat(at(c, "spec.resources.limits")).isEqualTo(Map.of("cpu", "500m", "memory", "1Gi"));
        assertThat(at(c, "spec.postgresql.parameters.shared_buffers")).isEqualTo("256MB");
        assertThat(at(c, "spec.bootstrap.initdb.database")).isEqualTo("orders");
        assertThat(at(c, "spec.bootstrap.initdb.owner")).isEqualTo("orders");
        assertThat(at(c, "status")).as("status is the operator's: a create cannot set it").isNull();

        untilReady(driver, spec);
        assertThat(driver.observe(spec).ready()).isTrue();

        // connection details: the credentials of CloudNativePG's <cluster>-app Secret, the host its -rw Service
        // as named from any namespace (the Secret's own host is the bare Service name)
        Map<String, String> app = secret(ns, name + "-app");
        assertThat(app.get("host")).isEqualTo(name + "-rw");
        ConnectionInfo conn = driver.connection(spec);
        String host = name + "-rw." + ns + ".svc";
        assertThat(conn.uri()).isEqualTo("postgresql://orders:" + app.get("password") + "@" + host + ":5432/orders");
        assertThat(conn.password()).isEqualTo(app.get("password"));
        assertThat(conn.username()).isEqualTo("orders");
        assertThat(conn.host()).isEqualTo(host);
        assertThat(conn.port()).isEqualTo(5432);
        assertThat(conn.databaseName()).isEqualTo("orders");
        assertThat(conn.jdbcUrl()).isEqualTo("jdbc:postgresql://" + host + ":5432/orders?user=orders&password=" + app.get("password"));

        // resize: storage grows, memory changes; not ready until the operator has rolled it out
        InstanceSpec bigger = spec(Engine.POSTGRESQL, "16", 20, "2Gi", false, id);
        assertThat(driver.ensureRunning(bigger).ready()).isFalse();
        c = stored(CloudNativePgDriver.CLUSTER, ns, name);
        assertThat(at(c, "spec.storage.size")).isEqualTo("20Gi");
        assertThat(at(c, "spec.resources.limits.memory")).isEqualTo("2Gi");
        assertThat(at(c, "spec.postgresql.parameters.shared_buffers")).isEqualTo("512MB");
        untilReady(driver, bigger);

        // an unchanged pass writes nothing
        String version = stored(CloudNativePgDriver.CLUSTER, ns, name).getMetadata().getResourceVersion();
        assertThat(driver.ensureRunning(bigger).ready()).isTrue();
        assertThat(stored(CloudNativePgDriver.CLUSTER, ns, name).getMetadata().getResourceVersion()).isEqualTo(version);

        // sleep = declarative hibernation; wake turns it off
        InstanceSpec asleep = spec(Engine.POSTGRESQL, "16", 20, "2Gi", true, id);
        assertThat(driver.stop(asleep).stopped()).isFalse();
        assertThat(stored(CloudNativePgDriver.CLUSTER, ns, name).getMetadata().getAnnotations()).containsEntry("cnpg.io/hibernation", "on");
        untilAsleep(driver, asleep);
        untilReady(driver, bigger);
        assertThat(stored(CloudNativePgDriver.CLUSTER, ns, name).getMetadata().getAnnotations()).containsEntry("cnpg.io/hibernation", "off");

        untilDeleted(driver, bigger);
        assertThat(stored(CloudNativePgDriver.CLUSTER, ns, name)).isNull();
        assertThat(secret(ns, name + "-app")).as("the operator's Secret goes with the database").isNull();
        driver.delete(bigger); // again: nothing there, no error
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void mysqlIsAMariaDbOfMariadbOperator() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.MYSQL, "11.4", 10, "1Gi", false, id);
        String ns = "strata-ws-01jtestworkspace000000000000";
        String name = id.replace('_', '-');

        assertThat(driver.ensureRunning(spec).ready()).isFalse();
        GenericKubernetesResource m = stored(MariaDbOperatorDriver.MARIADB, ns, name);
        assertThat(m.getApiVersion()).isEqualTo("k8s.mariadb.com/v1alpha1");
        assertThat(m.getKind()).isEqualTo("MariaDB");
        assertThat(at(m, "spec.image")).isEqualTo("docker.io/library/mariadb:11.4.5");
        assertThat(at(m, "spec.port")).isEqualTo(3306);
        assertThat(at(m, "spec.database")).isEqualTo("orders");
        assertThat(at(m, "spec.username")).isEqualTo("orders");
        assertThat(at(m, "spec.passwordSecretKeyRef")).isEqualTo(Map.of("name", name + "-password", "key", "password", "generate", false));
        assertThat(at(m, "spec.rootPasswordSecretKeyRef")).isEqualTo(Map.of("name", name + "-root", "key", "password", "generate", false));
        assertThat(at(m, "spec.storage.size")).isEqualTo("10Gi");
        assertThat(at(m, "spec.storage.storageClassName")).isEqualTo("fast-ssd");
        assertThat(at(m, "spec.storage.resizeInUseVolumes")).isEqualTo(true);
        assertThat(at(m, "spec.resources.limits")).isEqualTo(Map.of("cpu", "500m", "memory", "1Gi"));
        assertThat((String) at(m, "spec.myCnf")).contains("innodb_buffer_pool_size=512M");
        assertThat(at(m, "spec.suspend")).isEqualTo(false);
        assertThat(secret(ns, name + "-password")).isEqualTo(Map.of("password", "app-pass/word+1"));
        assertThat(secret(ns, name + "-root")).isEqualTo(Map.of("password", "admin-pass-2"));

        untilReady(driver, spec);
        ConnectionInfo conn = driver.connection(spec);
        String host = name + ".strata-ws-01jtestworkspace000000000000.svc";
        assertThat(conn.uri()).isEqualTo("mysql://orders:app-pass%2Fword%2B1@" + host + ":3306/orders");
        assertThat(conn.jdbcUrl()).isEqualTo("jdbc:mariadb://" + host + ":3306/orders?user=orders&password=app-pass%2Fword%2B1");

        InstanceSpec bigger = spec(Engine.MYSQL, "11.4", 30, "1Gi", false, id);
        driver.ensureRunning(bigger);
        assertThat(at(stored(MariaDbOperatorDriver.MARIADB, ns, name), "spec.storage.size")).isEqualTo("30Gi");
        untilReady(driver, bigger);

        // sleep: suspended, then its StatefulSet scaled to zero; wake: the operator scales it back
        InstanceSpec asleep = spec(Engine.MYSQL, "11.4", 30, "1Gi", true, id);
        untilAsleep(driver, asleep);
        assertThat(at(stored(MariaDbOperatorDriver.MARIADB, ns, name), "spec.suspend")).isEqualTo(true);
        StatefulSet sts = apiServer.client().apps().statefulSets().inNamespace(ns).withName(name).get();
        assertThat(sts.getSpec().getReplicas()).isZero();
        untilReady(driver, bigger);
        assertThat(at(stored(MariaDbOperatorDriver.MARIADB, ns, name), "spec.suspend")).isEqualTo(false);
        assertThat(apiServer.client().apps().statefulSets().inNamespace(ns).withName(name).get().getSpec().getReplicas()).isEqualTo(1);

        untilDeleted(driver, bigger);
        assertThat(stored(MariaDbOperatorDriver.MARIADB, ns, name)).isNull();
        assertThat(secret(ns, name + "-password")).isNull();
        assertThat(secret(ns, name + "-root")).isNull();
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void quantitiesCanonicalisedByCloudNativePgsWebhookAreSeenAsWritten() {
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.POSTGRESQL, "16", "0.5", 10, "1024Mi", false, id);
        String ns = "strata-ws-01jtestworkspace000000000000";
        String name = id.replace('_', '-');

        driver.ensureRunning(spec);
        GenericKubernetesResource c = stored(CloudNativePgDriver.CLUSTER, ns, name);
        assertThat(at(c, "spec.resources.requests")).as("the webhook's canonical form").isEqualTo(Map.of("cpu", "500m", "memory", "1Gi"));
        assertThat(at(c, "spec.resources.limits")).isEqualTo(Map.of("cpu", "500m", "memory", "1Gi"));
        await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> driver.observe(spec).ready());

        // the same amounts, written differently: nothing to write, so the database is seen ready
        long patches = apiServer.requests("PATCH", "/clusters/" + name);
        InstanceObservation again = driver.ensureRunning(spec);
        assertThat(apiServer.requests("PATCH", "/clusters/" + name)).as("PATCHes of the Cluster by a pass with nothing new").isEqualTo(patches);
        assertThat(again.ready()).as(again.message()).isTrue();

        // a different amount is still written, and only where it differs
        InstanceSpec more = spec(Engine.POSTGRESQL, "16", "1", 10, "1024Mi", false, id);
        JsonArray ops = driver.changes(cluster.api().get(CloudNativePgDriver.CLUSTER, ns, name).orElseThrow(), more,
                cluster.target(more));
        assertThat(ops.toString()).isEqualTo("[{\"op\":\"replace\",\"path\":\"/spec/resources/requests/cpu\",\"value\":\"1\"},"
                + "{\"op\":\"replace\",\"path\":\"/spec/resources/limits/cpu\",\"value\":\"1\"}]");
        untilDeleted(driver, spec);
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void onlyTheLeavesStrataOwnsArePatched() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        InstanceSpec spec = spec(Engine.MYSQL, "11.4", 10, "1Gi", false, newId());
        JsonObject current = driver.desired(spec);
        JsonObject storage = current.getAsJsonObject("spec").getAsJsonObject("storage");
        storage.addProperty("ephemeral", false); // written by mariadb-operator, immutable once set
        storage.addProperty("waitForVolumeResize", true);
        storage.add("volumeClaimTemplate", Json.obj("accessModes", Json.arr("ReadWriteOnce")));
        InstanceSpec bigger = spec(Engine.MYSQL, "11.4", 30, "1Gi", false, spec.id());
        assertThat(driver.changes(current, bigger, cluster.target(bigger)).toString())
                .isEqualTo("[{\"op\":\"replace\",\"path\":\"/spec/storage/size\",\"value\":\"30Gi\"}]");
        current.getAsJsonObject("spec").remove("myCnf");
        assertThat(driver.changes(current, spec, cluster.target(spec)).toString()).as("a missing field is added")
                .startsWith("[{\"op\":\"add\",\"path\":\"/spec/myCnf\",");
    }

    @Test
    void onlyQuantityFieldsAreComparedByAmount() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        InstanceSpec spec = new InstanceSpec(newId(), "ws_01jtestworkspace000000000000", null, Engine.MYSQL, "11.4",
                CpuQuantity.parse("500m"), MemoryQuantity.parse("1Gi"), new StorageSize(10), "fast-ssd", null,
                "orders", "17", "app-pass/word+1", "admin-pass-2", false, null);
        JsonObject current = driver.desired(spec);
        JsonObject storedSpec = current.getAsJsonObject("spec");
        storedSpec.getAsJsonObject("resources").getAsJsonObject("limits").addProperty("cpu", "0.5");
        storedSpec.getAsJsonObject("resources").getAsJsonObject("requests").addProperty("memory", "1073741824");
        storedSpec.getAsJsonObject("storage").addProperty("size", "10240Mi");
        storedSpec.addProperty("database", "17.0");
        assertThat(driver.changes(current, spec, cluster.target(spec)).toString())
                .isEqualTo("[{\"op\":\"replace\",\"path\":\"/spec/database\",\"value\":\"17\"}]");
    }

    @Test
    void growingMariaDbStorageKeepsTheFieldsTheOperatorWrote() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.MYSQL, "11.4", 10, "1Gi", false, id);
        String ns = "strata-ws-01jtestworkspace000000000000";
        String name = id.replace('_', '-');

        untilReady(driver, spec);
        GenericKubernetesResource m = stored(MariaDbOperatorDriver.MARIADB, ns, name);
        assertThat(at(m, "spec.storage.ephemeral")).as("mariadb-operator's default").isEqualTo(false);
        assertThat(at(m, "spec.storage.waitForVolumeResize")).isEqualTo(true);
        assertThat(at(m, "spec.storage.volumeClaimTemplate")).isEqualTo(Map.of("accessModes", List.of("ReadWriteOnce"),
                "resources", Map.of("requests", Map.of("storage", "10Gi")), "storageClassName", "fast-ssd"));

        // the simulated webhook refuses what a real cluster refuses: storage replaced whole drops ephemeral
        JsonArray replaceWhole = new JsonArray();
        replaceWhole.add(Json.obj("op", "add", "path", "/spec/storage", "value", Json.obj("size", "20Gi")));
        assertThatThrownBy(() -> cluster.api().jsonPatch(MariaDbOperatorDriver.MARIADB, ns, name, replaceWhole))
                .isInstanceOfSatisfying(KubernetesFailure.class, e -> assertThat(e.code()).isEqualTo(422))
                .hasMessageContaining("'spec.storage.ephemeral' field is immutable");

        InstanceSpec bigger = spec(Engine.MYSQL, "11.4", 30, "1Gi", false, id);
        InstanceObservation grown = driver.ensureRunning(bigger);
        assertThat(grown.failure()).as("the storage grow is admitted").isNull();
        m = stored(MariaDbOperatorDriver.MARIADB, ns, name);
        assertThat(at(m, "spec.storage.size")).isEqualTo("30Gi");
        assertThat(at(m, "spec.storage.ephemeral")).isEqualTo(false);
        assertThat(at(m, "spec.storage.waitForVolumeResize")).isEqualTo(true);
        assertThat(at(m, "spec.storage.volumeClaimTemplate")).as("the operator's, until it updates it").isNotNull();
        untilReady(driver, bigger);
        assertThat(at(stored(MariaDbOperatorDriver.MARIADB, ns, name), "spec.storage.volumeClaimTemplate.resources.requests.storage"))
                .as("updated by the operator from the new size").isEqualTo("30Gi");

        untilDeleted(driver, bigger);
        assertThat(operators.lastError()).isNull();
    }

    /** The stored resource as the driver reads it (client-java's JSON). */
    private static JsonObject read(ResourceKind kind, String ns, String name) {
        return cluster.api().get(kind, ns, name).orElseThrow();
    }

    /**
     * CloudNativePG writes no observedGeneration: right after a resize its status is still the healthy one of
     * the old spec (phase "Cluster in healthy state", Ready True). That is not converged; the rollout is.
     */
    @Test
    void aResizedCloudNativePgClusterIsNotReadyOnItsStaleHealthyStatus() {
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.POSTGRESQL, "16", 10, "1Gi", false, id);
        String ns = "strata-ws-01jtestworkspace000000000000";
        String name = id.replace('_', '-');
        untilReady(driver, spec);

        InstanceSpec bigger = spec(Engine.POSTGRESQL, "16", 20, "2Gi", false, id);
        assertThat(driver.ensureRunning(bigger).ready()).isFalse(); // writes the resize
        JsonObject stale = read(CloudNativePgDriver.CLUSTER, ns, name);
        assertThat(Json.string(stale, "spec", "resources", "limits", "memory")).contains("2Gi");
        assertThat(Json.string(stale, "status", "phase")).as("the operator has not got to the new spec yet").contains("Cluster in healthy state");
        assertThat(Json.conditionTrue(stale, "Ready")).isTrue();
        assertThat(Json.condition(stale, "Ready").orElseThrow().has("observedGeneration")).as("CloudNativePG writes none").isFalse();
        String reason = driver.notReadyReason(stale, bigger, cluster.target(bigger));
        assertThat(reason).as("a stale Ready=True is not converged").isNotNull().contains("still runs the previous spec");
        assertThat(driver.observe(bigger).ready()).isFalse();

        List<String> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> {
                    Json.string(read(CloudNativePgDriver.CLUSTER, ns, name), "status", "phase").ifPresent(phases::add);
                    return driver.ensureRunning(bigger).ready();
                });
        assertThat(phases).as("the rollout went through CloudNativePG's own phases")
                .contains("Primary instance is being restarted without a switchover");
        var pod = apiServer.client().pods().inNamespace(ns).withName(name + "-1").get();
        assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits().get("memory").toString()).isEqualTo("2Gi");
        assertThat(apiServer.client().persistentVolumeClaims().inNamespace(ns).withName(name + "-1").get()
                .getStatus().getCapacity().get("storage").toString()).isEqualTo("20Gi");

        untilDeleted(driver, bigger);
        await().atMost(Duration.ofSeconds(20)).until(() -> apiServer.client().pods().inNamespace(ns).withName(name + "-1").get() == null);
        assertThat(operators.lastError()).isNull();
    }

    /**
     * mariadb-operator's Ready condition follows its StatefulSet's ready pods and carries no observedGeneration:
     * right after a resize it still says True, "StatefulSetReady", of the old pods. Ready is the new spec rolled out.
     */
    @Test
    void aResizedMariaDbIsNotReadyOnItsStaleReadyCondition() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.MYSQL, "11.4", 10, "1Gi", false, id);
        String ns = "strata-ws-01jtestworkspace000000000000";
        String name = id.replace('_', '-');
        untilReady(driver, spec);

        for (InstanceSpec resized : List.of(spec(Engine.MYSQL, "11.4", "1", 10, "2Gi", false, id),
                spec(Engine.MYSQL, "11.4", "1", 30, "2Gi", false, id))) {
            assertThat(driver.ensureRunning(resized).ready()).isFalse(); // writes the resize
            JsonObject stale = read(MariaDbOperatorDriver.MARIADB, ns, name);
            assertThat(Json.conditionTrue(stale, "Ready")).as("the operator has not got to the new spec yet").isTrue();
            assertThat(Json.conditionReason(stale, "Ready")).contains("StatefulSetReady");
            assertThat(Json.condition(stale, "Ready").orElseThrow().has("observedGeneration")).as("mariadb-operator writes none").isFalse();
            assertThat(driver.notReadyReason(stale, resized, cluster.target(resized))).as("a stale Ready=True is not converged")
                    .isNotNull().contains("waiting for mariadb-operator");
            assertThat(driver.observe(resized).ready()).isFalse();

            List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", () -> operators.lastError() != null)
                    .until(() -> {
                        Json.conditionReason(read(MariaDbOperatorDriver.MARIADB, ns, name), "Ready").ifPresent(reasons::add);
                        return driver.ensureRunning(resized).ready();
                    });
            assertThat(reasons).as("the rollout went through mariadb-operator's own reasons")
                    .contains(resized.storage().gb() == 30 ? "WaitStorageResize" : "Updating");
        }
        StatefulSet sts = apiServer.client().apps().statefulSets().inNamespace(ns).withName(name).get();
        assertThat(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("memory").toString()).isEqualTo("2Gi");
        assertThat(sts.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("30Gi");
        assertThat(sts.getStatus().getUpdatedReplicas()).isEqualTo(1);

        untilDeleted(driver, spec);
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void redisIsAnOpsTreeRedisWithAnAuthSecretOfStrata() {
        RedisOperatorDriver driver = new RedisOperatorDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.REDIS, "7.0.15", 10, "512Mi", false, id);
        String ns = "strata-ws-01jtestworkspace000000000000";
        String name = id.replace('_', '-');

        assertThat(driver.ensureRunning(spec).message()).contains("written, waiting for its operator");
        GenericKubernetesResource r = stored(RedisOperatorDriver.REDIS, ns, name);
        assertThat(r.getApiVersion()).isEqualTo("redis.redis.opstreelabs.in/v1beta2");
        assertThat(r.getKind()).isEqualTo("Redis");
        assertThat(r.getMetadata().getAnnotations()).as("no skip-reconcile while awake").isNullOrEmpty();
        assertThat(at(r, "spec.kubernetesConfig.image")).isEqualTo("quay.io/opstree/redis:v7.0.15");
        assertThat(at(r, "spec.kubernetesConfig.imagePullPolicy")).isEqualTo("IfNotPresent");
        assertThat(at(r, "spec.kubernetesConfig.redisSecret")).isEqualTo(Map.of("name", name + "-auth", "key", "password"));
        assertThat(at(r, "spec.kubernetesConfig.resources.requests")).isEqualTo(Map.of("cpu", "500m", "memory", "512Mi"));
        assertThat(at(r, "spec.storage.volumeClaimTemplate.spec.accessModes")).isEqualTo(List.of("ReadWriteOnce"));
        assertThat(at(r, "spec.storage.volumeClaimTemplate.spec.storageClassName")).isEqualTo("fast-ssd");
        assertThat(at(r, "spec.storage.volumeClaimTemplate.spec.resources.requests.storage")).isEqualTo("10Gi");
        assertThat(secret(ns, name + "-auth")).isEqualTo(Map.of("password", "app-pass/word+1"));

        untilReady(driver, spec);
        assertThat(driver.connection(spec).uri()).isEqualTo("redis://default:app-pass%2Fword%2B1@" + name + "." + ns + ".svc:6379/0");

        InstanceSpec bigger = spec(Engine.REDIS, "7.0.15", 15, "1Gi", false, id);
        untilReady(driver, bigger);
        r = stored(RedisOperatorDriver.REDIS, ns, name);
        assertThat(at(r, "spec.storage.volumeClaimTemplate.spec.resources.requests.storage")).isEqualTo("15Gi");
        assertThat(at(r, "spec.kubernetesConfig.resources.limits.memory")).isEqualTo("1Gi");

        InstanceSpec asleep = spec(Engine.REDIS, "7.0.15", 15, "1Gi", true, id);
        untilAsleep(driver, asleep);
        assertThat(stored(RedisOperatorDriver.REDIS, ns, name).getMetadata().getAnnotations())
                .containsEntry("redis.opstreelabs.in/skip-reconcile", "true");
        assertThat(apiServer.client().apps().statefulSets().inNamespace(ns).withName(name).get().getSpec().getReplicas()).isZero();
        untilReady(driver, bigger);
        assertThat(stored(RedisOperatorDriver.REDIS, ns, name).getMetadata().getAnnotations())
                .doesNotContainKey("redis.opstreelabs.in/skip-reconcile");

        untilDeleted(driver, bigger);
        assertThat(stored(RedisOperatorDriver.REDIS, ns, name)).isNull();
        assertThat(secret(ns, name + "-auth")).isNull();
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void mongodbIsAPerconaServerMongoDb() {
        PerconaMongoDriver driver = new PerconaMongoDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.MONGODB, "7.0", 10, "1Gi", false, id);
        String ns = "strata-ws-01jtestworkspace000000000000";
        String name = id.replace('_', '-');

        assertThat(driver.ensureRunning(spec).ready()).isFalse();
        GenericKubernetesResource p = stored(PerconaMongoDriver.PSMDB, ns, name);
        assertThat(p.getApiVersion()).isEqualTo("psmdb.percona.com/v1");
        assertThat(p.getKind()).isEqualTo("PerconaServerMongoDB");
        assertThat(at(p, "spec.crVersion")).isEqualTo("1.21.0");
        assertThat(at(p, "spec.image")).isEqualTo("docker.io/percona/percona-server-mongodb:7.0.30-16");
        assertThat(at(p, "spec.pause")).isEqualTo(false);
        assertThat(at(p, "spec.unsafeFlags.replsetSize")).isEqualTo(true);
        assertThat(at(p, "spec.sharding.enabled")).isEqualTo(false);
        assertThat(at(p, "spec.secrets.users")).isEqualTo(name + "-users");
        @SuppressWarnings("unchecked")
        Map<String, Object> rs0 = ((List<Map<String, Object>>) at(p, "spec.replsets")).get(0);
        assertThat(rs0).containsEntry("name", "rs0").containsEntry("size", 1);
        assertThat(rs0.get("resources")).isEqualTo(Map.of("requests", Map.of("cpu", "500m", "memory", "1Gi"),
                "limits", Map.of("cpu", "500m", "memory", "1Gi")));
        assertThat(rs0.get("volumeSpec")).isEqualTo(Map.of("persistentVolumeClaim", Map.of("storageClassName", "fast-ssd",
                "resources", Map.of("requests", Map.of("storage", "10Gi")))));
        assertThat(at(p, "spec.users")).isEqualTo(List.of(Map.of("name", "orders", "db", "orders",
                "passwordSecretRef", Map.of("name", name + "-app", "key", "password"),
                "roles", List.of(Map.of("name", "readWrite", "db", "orders")))));
        assertThat(secret(ns, name + "-app")).isEqualTo(Map.of("password", "app-pass/word+1"));

        untilReady(driver, spec);
        assertThat(driver.connection(spec).uri()).isEqualTo("mongodb://orders:app-pass%2Fword%2B1@" + name + "-rs0." + ns
                + ".svc:27017/orders?replicaSet=rs0&authSource=orders");

        InstanceSpec bigger = spec(Engine.MONGODB, "7.0", 40, "1Gi", false, id);
        assertThat(driver.ensureRunning(bigger).ready()).isFalse();
        @SuppressWarnings("unchecked")
        Map<String, Object> resized = ((List<Map<String, Object>>) at(stored(PerconaMongoDriver.PSMDB, ns, name), "spec.replsets")).get(0);
        assertThat(resized.get("volumeSpec").toString()).contains("storage=40Gi");
        untilReady(driver, bigger);

        InstanceSpec asleep = spec(Engine.MONGODB, "7.0", 40, "1Gi", true, id);
        untilAsleep(driver, asleep);
        assertThat(at(stored(PerconaMongoDriver.PSMDB, ns, name), "spec.pause")).isEqualTo(true);
        assertThat(at(stored(PerconaMongoDriver.PSMDB, ns, name), "status.state")).isEqualTo("paused");
        untilReady(driver, bigger);

        untilDeleted(driver, bigger);
        assertThat(stored(PerconaMongoDriver.PSMDB, ns, name)).isNull();
        assertThat(secret(ns, name + "-app")).isNull();
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void refusalsOfTheApiServerBecomeTheStatusMessage() {
        MariaDbOperatorDriver driver = new MariaDbOperatorDriver(cluster);
        String id = newId();
        InstanceSpec spec = spec(Engine.MYSQL, "11.4", 10, "1Gi", false, id);
        apiServer.refuse(new ApiServerSimulation.Refusal("POST", "/mariadbs", 403, "Forbidden",
                "mariadbs.k8s.mariadb.com is forbidden: User \"system:serviceaccount:strata-system:strata\" cannot create resource \"mariadbs\""));
        try {
            InstanceObservation refused = driver.ensureRunning(spec);
            assertThat(refused.failure()).isNotNull();
            assertThat(refused.message()).contains("Kubernetes API refused to create MariaDB " + id.replace('_', '-'))
                    .contains("403 Forbidden").contains("cannot create resource \"mariadbs\"")
                    .doesNotContain("app-pass/word+1");
        } finally {
            apiServer.clearRefusals();
        }
        assertThat(driver.ensureRunning(spec).failure()).as("fine once allowed").isNull();

        apiServer.refuse(new ApiServerSimulation.Refusal("PATCH", "/mariadbs/", 422, "Invalid",
                "MariaDB.k8s.mariadb.com \"x\" is invalid: spec.storage.size: Invalid value: shrinking is not supported"));
        try {
            InstanceObservation invalid = driver.ensureRunning(spec(Engine.MYSQL, "11.4", 11, "1Gi", false, id));
            assertThat(invalid.message()).contains("(422 Invalid)").contains("shrinking is not supported");
        } finally {
            apiServer.clearRefusals();
        }
        apiServer.refuse(new ApiServerSimulation.Refusal("PATCH", "/mariadbs/", 409, "Conflict",
                "Operation cannot be fulfilled on mariadbs.k8s.mariadb.com \"x\": the object has been modified"));
        try {
            InstanceObservation conflict = driver.ensureRunning(spec(Engine.MYSQL, "11.4", 12, "1Gi", false, id));
            assertThat(conflict.failure()).contains("(409 Conflict)").contains("the object has been modified");
        } finally {
            apiServer.clearRefusals();
        }
        assertThat(driver.ensureRunning(spec(Engine.MYSQL, "11.4", 12, "1Gi", false, id)).failure()).as("the retry goes through").isNull();
        // the simulated operator was refused too while the refusals were injected: wait for a clean pass of it
        await().atMost(Duration.ofSeconds(20)).until(() -> operators.lastError() == null);
        untilDeleted(driver, spec);
    }

    @Test
    void anUnreachableApiServerIsAStatusMessageToo() throws Exception {
        Path kubeconfig = Files.createTempFile("strata-kube-nowhere", ".yaml");
        try (ApiServerSimulation gone = ApiServerSimulation.start(0)) {
            gone.writeKubeconfig(kubeconfig);
        }
        KubernetesCluster nowhere = new KubernetesCluster(new StrataConfig(), KubernetesApi.connect(Optional.of(kubeconfig.toString())));
        InstanceObservation o = new CloudNativePgDriver(nowhere).ensureRunning(spec(Engine.POSTGRESQL, "16", 10, "1Gi", false, newId()));
        assertThat(o.failure()).contains("unreachable");
        assertThat(new RedisOperatorDriver(nowhere).observe(spec(Engine.REDIS, "7.0.15", 10, "1Gi", false, newId())).failure())
                .contains("unreachable");
    }

    @Test
    void aSecretRewrittenWithFewerKeysLosesTheOthers() {
        KubernetesApi api = cluster.api();
        api.ensureNamespace("strata-secrets-test");
        api.putSecret("strata-secrets-test", "env", Map.of("DATABASE_URL", "postgresql://a", "STORAGE_KEY", "k"), Map.of());
        assertThat(secret("strata-secrets-test", "env")).isEqualTo(Map.of("DATABASE_URL", "postgresql://a", "STORAGE_KEY", "k"));
        api.putSecret("strata-secrets-test", "env", Map.of("STORAGE_KEY", "k2"), Map.of());
        assertThat(secret("strata-secrets-test", "env")).isEqualTo(Map.of("STORAGE_KEY", "k2"));
        assertThat(api.secret("strata-secrets-test", "env")).contains(Map.of("STORAGE_KEY", "k2"));
    }

    /** One database of each engine with its driver, for the tests that hold for all four. */
    private record OneEngine(OperatorDriver driver, InstanceSpec spec) {
    }

    private static List<OneEngine> oneOfEach() {
        return List.of(new OneEngine(new CloudNativePgDriver(cluster), spec(Engine.POSTGRESQL, "16", 10, "1Gi", false, newId())),
                new OneEngine(new MariaDbOperatorDriver(cluster), spec(Engine.MYSQL, "11.4", 10, "1Gi", false, newId())),
                new OneEngine(new RedisOperatorDriver(cluster), spec(Engine.REDIS, "7.0.15", 10, "512Mi", false, newId())),
                new OneEngine(new PerconaMongoDriver(cluster), spec(Engine.MONGODB, "7.0", 10, "1Gi", false, newId())));
    }

    /**
     * Applications run in other namespaces than their databases, so every host Strata hands out (the connection
     * details, the host in their URI and JDBC URL, and so the project's {@code DATABASE_URL}) is
     * {@code <service>.<namespace>.svc} of a Service the operator made in the database's namespace, on a port that
     * Service serves; the same rule for all four engines. CloudNativePG's Secret says only {@code <cluster>-rw}.
     */
    @Test
    void everyHostIsAServiceOfTheOperatorNamedSoThatItResolvesFromAnyNamespace() {
        Pattern serviceHost = Pattern.compile("([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc");
        for (OneEngine e : oneOfEach()) {
            untilReady(e.driver(), e.spec());
            String ns = cluster.target(e.spec()).namespace();
            ConnectionInfo conn = e.driver().connection(e.spec());
            String what = e.spec().engine().wireName() + " host " + conn.host();
            Matcher host = serviceHost.matcher(conn.host());
            assertThat(host.matches()).as(what + " is <service>.<namespace>.svc").isTrue();
            assertThat(host.group(2)).as(what + ": the database's namespace").isEqualTo(ns);
            Service service = apiServer.client().services().inNamespace(ns).withName(host.group(1)).get();
            assertThat(service).as(what + ": the operator's Service " + host.group(1) + " in namespace " + ns).isNotNull();
            assertThat(service.getSpec().getPorts()).extracting(ServicePort::getPort).as(what + ": a port of the Service")
                    .contains(conn.port());
            URI uri = URI.create(conn.uri());
            assertThat(uri.getHost()).as(e.spec().engine().wireName() + " uri").isEqualTo(conn.host());
            assertThat(uri.getPort()).as(e.spec().engine().wireName() + " uri").isEqualTo(conn.port());
            if (conn.jdbcUrl() != null) {
                URI jdbc = URI.create(conn.jdbcUrl().substring("jdbc:".length()));
                assertThat(jdbc.getHost()).as(e.spec().engine().wireName() + " jdbcUrl").isEqualTo(conn.host());
                assertThat(jdbc.getPort()).as(e.spec().engine().wireName() + " jdbcUrl").isEqualTo(conn.port());
            }

            // the Services are owned by the resource: garbage collection removes them with it
            String name = cluster.target(e.spec()).name();
            assertThat(service.getMetadata().getOwnerReferences()).extracting(o -> o.getName()).containsExactly(name);
            untilDeleted(e.driver(), e.spec());
            await().atMost(Duration.ofSeconds(20)).until(() -> apiServer.client().services().inNamespace(ns).list().getItems()
                    .stream().noneMatch(svc -> svc.getMetadata().getOwnerReferences().stream().anyMatch(o -> o.getName().equals(name))));
        }
        assertThat(operators.lastError()).isNull();
    }

    /** Where each engine's custom resource names its image. */
    private static final Map<Engine, String[]> IMAGE_FIELD = Map.of(Engine.POSTGRESQL, new String[] {"spec", "imageName"},
            Engine.MYSQL, new String[] {"spec", "image"}, Engine.REDIS, new String[] {"spec", "kubernetesConfig", "image"},
            Engine.MONGODB, new String[] {"spec", "image"});

    /**
     * Every image Strata writes has a full version tag (never a rolling major such as {@code :16} or {@code :7.0},
     * never {@code latest}) of the engine version asked for, and is the one of {@link PinnedImages}; every version
     * offered by default has one. PostgreSQL's versions have two numbers since 10, the others three.
     */
    @Test
    void everyImageIsPinnedToAFullTagOfTheTable() {
        Pattern numbers = Pattern.compile("^v?(\\d+(?:\\.\\d+)*)");
        for (OneEngine e : oneOfEach()) {
            Engine engine = e.driver().engine();
            assertThat(PinnedImages.versions(engine)).as(engine + ": every version offered by default has a pinned image")
                    .containsAll(e.driver().offers().get(0).versions());
            for (String version : PinnedImages.versions(engine)) {
                InstanceSpec spec = spec(engine, version, 10, "1Gi", false, e.spec().id());
                String image = Json.string(e.driver().desired(spec), IMAGE_FIELD.get(engine)).orElseThrow();
                assertThat(image).as(engine + " " + version).isEqualTo(PinnedImages.of(engine, version).orElseThrow().image());
                String tag = image.substring(image.lastIndexOf(':') + 1);
                assertThat(image.lastIndexOf(':')).as(image + " has a tag").isGreaterThan(image.lastIndexOf('/'));
                Matcher full = numbers.matcher(tag);
                assertThat(full.find()).as(image + " is tagged with a version").isTrue();
                assertThat(full.group(1).split("\\.")).as(image + ": a full version").hasSize(engine == Engine.POSTGRESQL ? 2 : 3);
                assertThat(full.group(1) + ".").as(image + " is of version " + version).startsWith(version + ".");
            }
        }
    }

    /**
     * CloudNativePG's validating webhook refuses an image whose upgrades it cannot detect (no tag, {@code latest},
     * a digest alone, a tag without a version) or of a major it does not run; it lets a rolling major through,
     * which only Strata's table keeps out. The refusal is the database's status message.
     */
    @Test
    void cloudNativePgRefusesImagesItCannotTrackAndTheRefusalIsTheStatus() {
        CloudNativePgDriver driver = new CloudNativePgDriver(cluster);
        String[][] refused = {
                {"ghcr.io/cloudnative-pg/postgresql:latest", "Can't use 'latest' as image tag"},
                {"ghcr.io/cloudnative-pg/postgresql", "Can't use 'latest' as image tag"},
                {"ghcr.io/cloudnative-pg/postgresql@sha256:0123456789abcdef", "Can't use just the image sha"},
                {"registry.example:5000/postgresql:trixie", "invalid version tag"},
                {"ghcr.io/cloudnative-pg/postgresql:12.22-bookworm", "Versions 13 or newer are supported"}};
        try {
            for (String[] r : refused) {
                System.setProperty("STRATA_K8S_IMAGE_POSTGRESQL", r[0]);
                InstanceSpec spec = spec(Engine.POSTGRESQL, "16", 10, "1Gi", false, newId());
                InstanceObservation o = driver.ensureRunning(spec);
                assertThat(o.failure()).as(r[0]).isNotNull().contains("422").contains("spec.imageName").contains(r[1]);
                assertThat(stored(CloudNativePgDriver.CLUSTER, cluster.target(spec).namespace(), cluster.target(spec).name()))
                        .as(r[0] + " is not stored").isNull();
            }
            System.setProperty("STRATA_K8S_IMAGE_POSTGRESQL", "ghcr.io/cloudnative-pg/postgresql:{version}");
            InstanceSpec rolling = spec(Engine.POSTGRESQL, "16", 10, "1Gi", false, newId());
            assertThat(driver.ensureRunning(rolling).failure()).as("FromTag(\"16\") is 16.0: the webhook admits a rolling major").isNull();
            untilDeleted(driver, rolling);
        } finally {
            System.clearProperty("STRATA_K8S_IMAGE_POSTGRESQL");
        }
        assertThat(operators.lastError()).isNull();
    }

    /**
     * {@code STRATA_K8S_IMAGE_<ENGINE>} still names the image (a registry mirror): {@code {tag}} is the pinned
     * tag, {@code {version}} the version as offered. A version offered without a pinned image is refused with a
     * clear message instead of being written with a rolling tag.
     */
    @Test
    void theImageSettingKeepsThePinnedTagAndAnUnpinnedVersionIsRefused() {
        PerconaMongoDriver driver = new PerconaMongoDriver(cluster);
        InstanceSpec spec = spec(Engine.MONGODB, "7.0", 10, "1Gi", false, newId());
        try {
            System.setProperty("STRATA_K8S_IMAGE_MONGODB", "mirror.example/percona/psmdb:{tag}");
            assertThat(Json.string(driver.desired(spec), "spec", "image")).contains("mirror.example/percona/psmdb:7.0.30-16");
            System.setProperty("STRATA_K8S_IMAGE_MONGODB", "mirror.example/percona/psmdb:{version}-custom");
            assertThat(Json.string(driver.desired(spec), "spec", "image")).contains("mirror.example/percona/psmdb:7.0-custom");
        } finally {
            System.clearProperty("STRATA_K8S_IMAGE_MONGODB");
        }
        InstanceSpec unpinned = spec(Engine.MONGODB, "5.0", 10, "1Gi", false, newId());
        InstanceObservation o = driver.ensureRunning(unpinned);
        assertThat(o.failure()).isNotNull().contains("no image is pinned for mongodb 5.0").contains("8.0, 7.0, 6.0")
                .contains("STRATA_K8S_IMAGE_MONGODB");
        assertThat(stored(PerconaMongoDriver.PSMDB, cluster.target(unpinned).namespace(), cluster.target(unpinned).name())).isNull();
        untilDeleted(driver, unpinned);
    }

    @Test
    void offersComeFromConfigurationNotFromTheHost() {
        assertThat(new CloudNativePgDriver(cluster).offers().get(0).versions()).containsExactly("17", "16", "15");
        assertThat(new PerconaMongoDriver(cluster).offers().get(0).engine()).isEqualTo(Engine.MONGODB);
        assertThat(new RedisOperatorDriver(cluster).needsPort()).isFalse();
    }
}
