package dev.strata.provisioning.driver.kubernetes;

import static org.awaitility.Awaitility.await;

import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.kubernetes.simulation.ApiServerSimulation;
import dev.strata.provisioning.driver.kubernetes.simulation.OperatorSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the Kubernetes driver tests run against: the simulated API server, the simulated operators acting after
 * {@code delay}, and Strata's view of that cluster through a kubeconfig, as in Kubernetes mode.
 */
record SimulatedCluster(ApiServerSimulation apiServer, OperatorSimulator operators, KubernetesCluster cluster) implements AutoCloseable {

    static SimulatedCluster start(Duration delay, StrataConfig config) throws Exception {
        System.setProperty("STRATA_DRIVER", "kubernetes");
        ApiServerSimulation apiServer = ApiServerSimulation.start(0);
        OperatorSimulator operators = new OperatorSimulator(apiServer, delay);
        Path kubeconfig = apiServer.writeKubeconfig(Files.createTempDirectory("strata-kube").resolve("config"));
        return new SimulatedCluster(apiServer, operators,
                new KubernetesCluster(config, KubernetesApi.connect(Optional.of(kubeconfig.toString()))));
    }

    /**
     * Deletes as the reconciler does: the driver's delete is repeated until it no longer answers that something of
     * the database is still being removed (an operator's finalizer, the garbage collector); returns what it waited for.
     */
    List<String> untilDeleted(OperatorDriver driver, InstanceSpec spec) {
        List<String> waitedFor = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .failFast("the operator simulator failed", () -> {
                    if (operators.lastError() != null) {
                        throw operators.lastError();
                    }
                })
                .until(() -> {
                    try {
                        driver.delete(spec);
                        return true;
                    } catch (KubernetesFailure e) {
                        if (e.code() != 409) {
                            throw e;
                        }
                        waitedFor.add(e.getMessage());
                        return false;
                    }
                });
        return waitedFor;
    }

    @Override
    public void close() {
        operators.close();
        apiServer.close();
        System.clearProperty("STRATA_DRIVER");
    }
}
