package dev.strata.provisioning.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.metrics.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the reconciler tells the metrics (passes, failures, one restart per outage of a database's server) and the
 * event log (the same restarts, with what the health check saw).
 */
class ReconcilerMetricsTest {

    private static final String ID = "db_01jtestreconcilermetrics0";

    /** A server that can be killed, and whose restart fails a given number of times first. */
    private static final class Server implements EngineDriver {
        volatile boolean alive = true;
        volatile int failuresToCome;
        volatile boolean startsSlowly;
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();

        @Override
        public List<EngineOffer> offers() {
            return List.of();
        }

        @Override
        public boolean needsPort() {
            return false;
        }

        @Override
        public InstanceObservation ensureRunning(InstanceSpec spec) {
            starts.incrementAndGet();
            if (failuresToCome > 0) {
                failuresToCome--;
                return InstanceObservation.failed("cannot start: port busy");
            }
            if (startsSlowly) {
                return InstanceObservation.notReady("starting");
            }
            alive = true;
            return InstanceObservation.ready(null);
        }

        @Override
        public InstanceObservation observe(InstanceSpec spec) {
            return alive ? InstanceObservation.ready(null) : InstanceObservation.notReady("no answer");
        }

        @Override
        public InstanceObservation stop(InstanceSpec spec) {
            stops.incrementAndGet();
            alive = false;
            return InstanceObservation.stoppedOnPurpose();
        }

        @Override
        public void delete(InstanceSpec spec) {
        }

        @Override
        public ConnectionInfo connection(InstanceSpec spec) {
            throw new UnsupportedOperationException();
        }
    }

    /** What reached the metrics. */
    private static final class Recorded extends Metrics {
        final List<String> restarts = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger passes = new AtomicInteger();

        @Override
        public void reconcilePass(Duration took) {
            passes.incrementAndGet();
        }

        @Override
        public void reconcileFailure(Engine engine) {
            failures.add(engine == null ? "none" : engine.wireName());
        }

        @Override
        public void databaseRestarted(String databaseId, Engine engine) {
            restarts.add(databaseId + "/" + engine.wireName());
        }

        @Override
        public void databaseDeleted(String databaseId) {
        }
    }

    private final Server server = new Server();
    private final Recorded metrics = new Recorded();
    private volatile boolean sleepRequested;
    /** Whether the observed state is of the desired generation (a wake is a new one, until the server is ready). */
    private volatile boolean converged = true;
    private volatile boolean metadataDown;
    private volatile boolean recordedReady;
    private final List<String> restartEvents = new CopyOnWriteArrayList<>();

    private Reconciler reconciler() {
        Reconciler r = new Reconciler();
        r.steps = new ReconcileSteps() {
            @Override
            public boolean claimLease(String holder, Duration ttl) {
                if (metadataDown) {
                    throw new IllegalStateException("connection refused");
                }
                return true;
            }

            @Override
            public List<String> allIds() {
                return List.of(ID);
            }

            @Override
            public List<String> unsettledIds() {
                return converged && recordedReady ? List.of() : List.of(ID);
            }

            @Override
            public Optional<Work> snapshot(String id) {
                return Optional.of(new Work(ID, Engine.REDIS, 1, converged, false, sleepRequested, null, null, null, null, null, null, null, false));
            }

            @Override
            public void restarted(String id, String reason) {
                restartEvents.add(id + ": " + reason);
            }

            @Override
            public boolean record(String id, long workedGeneration, InstanceObservation observation) {
                if (observation.ready()) {
                    converged = true;
                }
                recordedReady = observation.ready();
                return true;
            }
        };
        return TestReconcilers.wire(r, server, metrics);
    }

    @Test
    void anOutageCountsOneRestartWhenTheServerIsBackHoweverManyTriesItTakes() {
        Reconciler r = reconciler();
        r.pass();
        assertThat(metrics.passes.get()).isEqualTo(1);
        assertThat(metrics.restarts).isEmpty();

        server.alive = false; // kill -9
        server.failuresToCome = 2;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            r.pass();
            return server.alive;
        });
        assertThat(server.starts.get()).isEqualTo(3);
        assertThat(metrics.restarts).containsExactly(ID + "/redis");
        assertThat(restartEvents).containsExactly(ID + ": no answer");
        assertThat(metrics.failures).containsExactly("redis", "redis");

        r.pass();
        r.pass();
        assertThat(metrics.restarts).hasSize(1);
        assertThat(restartEvents).hasSize(1);
        assertThat(metrics.passes.get()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aRestartThatIsReadyOnlyAtTheNextPassCountsToo() {
        Reconciler r = reconciler();
        r.pass();
        server.alive = false;
        server.startsSlowly = true; // started, but not answering yet when ensureRunning returns
        r.pass();
        assertThat(metrics.restarts).isEmpty();
        server.startsSlowly = false;
        server.alive = true;
        r.pass();
        assertThat(metrics.restarts).containsExactly(ID + "/redis");
        assertThat(restartEvents).containsExactly(ID + ": no answer");
    }

    @Test
    void anOutageEndedBySleepCountsNoRestart() {
        Reconciler r = reconciler();
        r.pass();
        server.alive = false;
        server.failuresToCome = 1;
        r.pass(); // found dead, the restart fails
        assertThat(server.starts.get()).isEqualTo(1);
        sleepRequested = true;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            r.pass();
            return server.stops.get() > 0; // put to sleep (once the failed restart's back-off is over)
        });
        assertThat(server.starts.get()).isEqualTo(1);
        converged = false;
        sleepRequested = false; // woken: started again, on purpose
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            r.pass();
            return server.alive;
        });
        assertThat(metrics.restarts).isEmpty();
        assertThat(restartEvents).isEmpty();
    }

    @Test
    void aFailedPassIsTimedAndCounted() {
        Reconciler r = reconciler();
        metadataDown = true;
        r.pass();
        assertThat(metrics.passes.get()).isEqualTo(1);
        assertThat(metrics.failures).containsExactly("none");
        assertThat(r.leader()).isFalse();
    }
}
