package dev.strata.provisioning.reconcile;

import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.driver.local.WarmPool;
import dev.strata.provisioning.metrics.Metrics;
import dev.strata.provisioning.project.Projects;
import dev.strata.provisioning.storage.Buckets;
import dev.strata.provisioning.wake.FrontDoor;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.lang.reflect.Proxy;
import java.util.List;

/** The parts of a {@link Reconciler} a unit test does not look at: one driver for every engine, nothing to delete, no pool. */
final class TestReconcilers {

    private TestReconcilers() {
    }

    /** Wires {@code r} with {@code server} for every engine and {@code metrics}; its workers run each task at once, on the caller's thread. */
    static Reconciler wire(Reconciler r, EngineDriver server, Metrics metrics) {
        r.drivers = new EngineDrivers() {
            @Override
            public EngineDriver forEngine(Engine engine) {
                return server;
            }
        };
        r.projects = new Projects() {
            @Override
            public List<String> deletionsPending() {
                return List.of();
            }
        };
        r.buckets = new Buckets() {
            @Override
            public List<String> deletionsPending() {
                return List.of();
            }
        };
        r.frontDoor = FrontDoor.standalone();
        r.warmPool = new WarmPool() {
            @Override
            public boolean enabled() {
                return false; // no warm pool here
            }
        };
        r.config = new StrataConfig();
        r.metrics = metrics;
        r.workers = (ManagedExecutorService) Proxy.newProxyInstance(TestReconcilers.class.getClassLoader(),
                new Class<?>[] {ManagedExecutorService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("execute")) {
                        ((Runnable) args[0]).run();
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return r;
    }
}
