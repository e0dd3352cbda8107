package dev.strata.provisioning.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.QuickLiveness;
import dev.strata.provisioning.metrics.Metrics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The change-driven reconciler with real server processes (detached {@code sleep}s, as local servers are detached):
 * at rest a ready database is not looked at by the ticks, a killed server is restarted as soon as its exit is
 * noticed, and the slow resync still visits every database.
 */
class ReconcilerWatchTest {

    private static final List<String> IDS = List.of("db_01jtestwatcha00000000000", "db_01jtestwatchb00000000000");

    /** A "server" that is a real detached process per database, found by its pid as a pid file would show it. */
    private static final class ProcessServer implements EngineDriver, QuickLiveness {
        final Map<String, Long> pids = new ConcurrentHashMap<>();
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger observes = new AtomicInteger();

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
            if (serverPid(spec) == null) {
                starts.incrementAndGet();
                try {
                    Process sh = new ProcessBuilder("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!").start();
                    pids.put(spec.id(), Long.parseLong(new String(sh.getInputStream().readAllBytes()).trim()));
                    sh.waitFor();
                } catch (IOException e) {
                    return InstanceObservation.failed(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return InstanceObservation.failed("interrupted");
                }
            }
            return InstanceObservation.ready(null);
        }

        @Override
        public InstanceObservation observe(InstanceSpec spec) {
            observes.incrementAndGet();
            return serverPid(spec) != null ? InstanceObservation.ready(null) : InstanceObservation.notReady("the server process is not running");
        }

        @Override
        public Long serverPid(InstanceSpec spec) {
            Long pid = pids.get(spec.id());
            return pid != null && ServerExits.startTime(pid) >= 0 ? pid : null;
        }

        @Override
        public InstanceObservation stop(InstanceSpec spec) {
            Optional.ofNullable(pids.remove(spec.id())).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
            return InstanceObservation.stoppedOnPurpose();
        }

        @Override
        public void delete(InstanceSpec spec) {
            stop(spec);
        }

        @Override
        public ConnectionInfo connection(InstanceSpec spec) {
            throw new UnsupportedOperationException();
        }
    }

    private final ProcessServer server = new ProcessServer();
    private final Map<String, Boolean> recordedReady = new ConcurrentHashMap<>();
    private final List<String> restarts = new CopyOnWriteArrayList<>();
    private final AtomicInteger metadataQueries = new AtomicInteger();

    @AfterEach
    void stopServers() {
        server.pids.values().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static InstanceSpec spec(String id) {
        return new InstanceSpec(id, "ws_01jtestwatch000000000000", null, Engine.REDIS, "7.0", null, null, null, null, 1,
                "u", "d", "p", "a", false, null);
    }

    private Reconciler reconciler() {
        Reconciler r = new Reconciler();
        r.steps = new ReconcileSteps() {
            @Override
            public boolean claimLease(String holder, Duration ttl) {
                return true;
            }

            @Override
            public List<String> allIds() {
                metadataQueries.incrementAndGet();
                return IDS;
            }

            @Override
            public List<String> unsettledIds() {
                metadataQueries.incrementAndGet();
                return IDS.stream().filter(id -> !recordedReady.getOrDefault(id, false)).toList();
            }

            @Override
            public Optional<Work> snapshot(String id) {
                metadataQueries.incrementAndGet();
                boolean ready = recordedReady.getOrDefault(id, false);
                return Optional.of(new Work(id, Engine.REDIS, 1, ready, false, false, spec(id), null, null, null, null, null, null, false));
            }

            @Override
            public void restarted(String id, String reason) {
                restarts.add(id);
            }

            @Override
            public boolean record(String id, long workedGeneration, InstanceObservation observation) {
                recordedReady.put(id, observation.ready());
                return true;
            }
        };
        Metrics metrics = new Metrics() {
            @Override
            public void reconcilePass(Duration took) {
            }

            @Override
            public void reconcileFailure(Engine engine) {
            }

            @Override
            public void databaseRestarted(String databaseId, Engine engine) {
            }
        };
        return TestReconcilers.wire(r, server, metrics);
    }

    @Test
    void readyDatabasesCostNothingAtTicksAndAKilledServerIsRestartedWhenItsExitIsNoticed() {
        Reconciler r = reconciler();
        r.pass(); // the first pass after a start: every database, at once
        assertThat(server.starts.get()).isEqualTo(2);
        assertThat(recordedReady).containsOnlyKeys(IDS).doesNotContainValue(false);

        int observed = server.observes.get();
        int queries = metadataQueries.get();
        for (int i = 0; i < 20; i++) {
            r.pass();
            r.watch();
        }
        assertThat(server.observes.get()).as("no health check of a watched server at ticks").isEqualTo(observed);
        assertThat(metadataQueries.get() - queries).as("one query per tick, none per database").isEqualTo(20);

        long killed = server.pids.get(IDS.get(0));
        ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // kill -9

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(Reconciler.WATCH_EVERY_MS)).until(() -> {
            r.watch(); // the timer's job: no pass needed
            return server.starts.get() == 3;
        });
        assertThat(server.pids.get(IDS.get(0))).isNotEqualTo(killed);
        assertThat(ProcessHandle.of(server.pids.get(IDS.get(0)))).isPresent();
        assertThat(restarts).containsExactly(IDS.get(0));
        assertThat(recordedReady.get(IDS.get(0))).isTrue();

        // the new server is watched in turn
        ProcessHandle.of(server.pids.get(IDS.get(0))).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(Reconciler.WATCH_EVERY_MS)).until(() -> {
            r.watch();
            return server.starts.get() == 4;
        });
        assertThat(restarts).containsExactly(IDS.get(0), IDS.get(0));
    }

    @Test
    void theResyncStillVisitsEveryDatabase() {
        System.setProperty("STRATA_RESYNC_SECONDS", "1");
        try {
            Reconciler r = reconciler();
            r.pass();
            int observed = server.observes.get();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                r.pass();
                return server.observes.get() >= observed + IDS.size();
            });
            assertThat(server.starts.get()).isEqualTo(2);
        } finally {
            System.clearProperty("STRATA_RESYNC_SECONDS");
        }
    }
}
