package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 100 concurrent API clients for 30 s ({@code it.load.seconds}) on list, get and status of live databases, while
 * the reconciler health-checks them: every answer must be a 200. Throughput and latencies are printed for the
 * record; speed goals live in {@code bench/}, not here.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LoadIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private static final int CLIENTS = 100;

    private final Api api = Api.withBootstrapKey();

    @Test
    void hundredConcurrentClientsForAMinuteGetNoErrors() throws Exception {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(dbs.create("load-" + i, "{\"name\":\"Load " + i + "\",\"slug\":\"load-" + i + "\",\"engine\":\"redis\"}"));
        }
        try {
            for (String id : ids) {
                dbs.awaitStatus(id, "ready", Duration.ofSeconds(60));
            }
            // the answers of the timed loop, checked against the OpenAPI contract once each; the loop itself runs
            // without the check (Api.withoutContractCheck), so that the figures are the server's
            for (String path : List.of(dbs.base() + "?limit=20", dbs.path(ids.get(0)), dbs.path(ids.get(0)) + "/status")) {
                assertThat(api.get(path).status()).isEqualTo(200);
            }
            Api timed = api.withoutContractCheck();
            long seconds = Long.getLong("it.load.seconds", 30);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            AtomicLong requests = new AtomicLong();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            CountDownLatch done = new CountDownLatch(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                pool.execute(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                            String path = switch (ThreadLocalRandom.current().nextInt(3)) {
                                case 0 -> dbs.base() + "?limit=20";
                                case 1 -> dbs.path(id);
                                default -> dbs.path(id) + "/status";
                            };
                            long t0 = System.nanoTime();
                            try {
                                Api.Reply r = timed.get(path);
                                if (r.status() != 200) {
                                    errors.add(path + " → " + r.status() + " " + r.raw());
                                }
                            } catch (RuntimeException e) {
                                errors.add(path + " → " + e.getMessage());
                            }
                            latencies.add(System.nanoTime() - t0);
                            requests.incrementAndGet();
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(seconds + 120, TimeUnit.SECONDS)).isTrue();
            pool.shutdown();
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("LoadIT: %d clients, %d s: %d requests (%.0f/s), p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors%n",
                    CLIENTS, seconds, requests.get(), requests.get() / (double) seconds, ms(sorted, 0.50), ms(sorted, 0.99),
                    sorted.get(sorted.size() - 1) / 1e6, errors.size());
            assertThat(errors.size()).as("errors, the first ones: %s", errors.stream().limit(10).toList()).isZero();
            assertThat(requests.get()).isGreaterThan(CLIENTS);
        } finally {
            for (String id : ids) {
                dbs.deleteQuietly(id);
            }
        }
    }

    private static double ms(List<Long> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1)))) / 1e6;
    }
}
