package dev.strata.provisioning.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.StorageSize;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.kubernetes.KubernetesCluster.Target;
import dev.strata.provisioning.driver.kubernetes.simulation.ApiServerSimulation;
import dev.strata.provisioning.driver.kubernetes.simulation.CrdSchemas;
import dev.strata.provisioning.driver.kubernetes.simulation.OperatorSimulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every custom resource the drivers write is one the operator's real CRD ({@code ../shared/crds}) takes as written:
 * valid against its {@code openAPIV3Schema}, and with nothing Strata sets pruned or changed by decoding (a field
 * the schema drops would be lost on a real cluster and written again on every pass). Checked on the resource a
 * driver creates for each state (created, resized, asleep), and after each write through the simulated API server
 * (create, the resize patch, sleep, wake): the stored object then holds all Strata wants ({@code changes} is empty).
 */
class CustomResourcesMatchTheCrdsTest {

    private static ApiServerSimulation apiServer;
    private static OperatorSimulator operators;
    private static KubernetesCluster cluster;
    private static CrdSchemas crds;
    private static SimulatedCluster simulated;
    private static int serial;

    @BeforeAll
    static void start() throws Exception {
        simulated = SimulatedCluster.start(Duration.ofMillis(300), new StrataConfig());
        apiServer = simulated.apiServer();
        operators = simulated.operators();
        cluster = simulated.cluster();
        crds = CrdSchemas.load();
    }

    @AfterAll
    static void stop() {
        simulated.close();
    }

    private static InstanceSpec spec(Engine engine, String version, String cpu, int storageGb, String memory, boolean sleeping, String id) {
        return new InstanceSpec(id, "ws_01jcrdschemaworkspace00000000", "proj_01jcrdschemaproject0000000", engine, version,
                CpuQuantity.parse(cpu), MemoryQuantity.parse(memory), new StorageSize(storageGb), "fast-ssd", null,
                "orders", "orders", "app-pass/word+1", "admin-pass-2", sleeping, null);
    }

    @Test
    void cloudNativePgClusters() {
        conforms(new CloudNativePgDriver(cluster), Engine.POSTGRESQL, "16");
    }

    @Test
    void mariaDbs() {
        conforms(new MariaDbOperatorDriver(cluster), Engine.MYSQL, "11.4");
    }

    @Test
    void opsTreeRedis() {
        conforms(new RedisOperatorDriver(cluster), Engine.REDIS, "7.0.15");
    }

    @Test
    void perconaServerMongoDbs() {
        conforms(new PerconaMongoDriver(cluster), Engine.MONGODB, "7.0");
    }

    private static void conforms(OperatorDriver driver, Engine engine, String version) {
        String id = "db_01jcrdschemadatabase00000" + (char) ('a' + serial++);
        InstanceSpec created = spec(engine, version, "500m", 10, "1Gi", false, id);
        InstanceSpec resized = spec(engine, version, "1", 20, "2Gi", false, id);
        InstanceSpec asleep = spec(engine, version, "1", 20, "2Gi", true, id);
        for (InstanceSpec s : List.of(created, resized, asleep)) {
            JsonObject desired = driver.desired(s);
            assertThat(crds.problems(desired)).as("%s as %s writes it (%s)", driver.kind(), driver.getClass().getSimpleName(),
                    s.sleeping() ? "asleep" : s.memory()).isEmpty();
        }

        untilReady(driver, created);
        holdsAllStrataWants(driver, created, "after the create");
        untilReady(driver, resized);
        holdsAllStrataWants(driver, resized, "after the resize");
        await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> driver.stop(asleep), InstanceObservation::stopped);
        holdsAllStrataWants(driver, asleep, "asleep");
        untilReady(driver, resized);
        holdsAllStrataWants(driver, resized, "woken");
        simulated.untilDeleted(driver, resized);
        assertThat(operators.lastError()).isNull();
    }

    private static void untilReady(OperatorDriver driver, InstanceSpec spec) {
        await().atMost(Duration.ofSeconds(20)).failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> driver.ensureRunning(spec), InstanceObservation::ready);
    }

    /** The stored resource, as the API server pruned and defaulted it, lacks nothing of Strata's intent. */
    private static void holdsAllStrataWants(OperatorDriver driver, InstanceSpec spec, String when) {
        Target t = cluster.target(spec);
        JsonObject stored = cluster.api().get(driver.kind(), t.namespace(), t.name()).orElseThrow();
        assertThat(driver.changes(stored, spec, t)).as("what Strata still wants of the stored %s %s", driver.kind(), when).isEmpty();
    }
}
