package dev.strata.provisioning.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.domain.database.Engine;
import dev.strata.domain.storage.StorageUsage;
import dev.strata.provisioning.storage.Buckets;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The application's registry bean with its queries and the object store's measurement, as the server wires them. */
class MetricsTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final CountDownLatch metadataHangs = new CountDownLatch(1);
    private volatile boolean metadataSlow;
    private final AtomicInteger measurements = new AtomicInteger();

    @AfterEach
    void stop() {
        metadataHangs.countDown();
        pool.shutdownNow();
    }

    private Metrics metrics() {
        Metrics m = new Metrics();
        m.queries = new MetricsQueries() {
            @Override
            public List<ScrapeFigures.DatabaseCount> databaseCounts() {
                if (metadataSlow) {
                    hang(); // a pool waiting for a connection while the metadata database restarts
                }
                return List.of(new ScrapeFigures.DatabaseCount("redis", "ready", 2));
            }

            @Override
            public List<ScrapeFigures.BackupOutcome> backupOutcomes() {
                return List.of();
            }
        };
        m.buckets = new Buckets() {
            @Override
            public Map<String, StorageUsage> usageByProject() {
                measurements.incrementAndGet();
                return Map.of("proj_a", new StorageUsage(4096, 2));
            }
        };
        // the server's managed executor, as far as Metrics uses it (the ExecutorService methods)
        m.workers = (ManagedExecutorService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ManagedExecutorService.class},
                (proxy, method, args) -> {
                    try {
                        return method.invoke(pool, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        m.start();
        return m;
    }

    private void hang() {
        try {
            metadataHangs.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String scrape(Metrics m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write("text/plain", out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void recordsAndServes() throws Exception {
        Metrics m = metrics();
        m.databaseRestarted("db_a", Engine.REDIS);
        m.reconcileFailure(null);
        m.reconcilePass(Duration.ofMillis(2));
        m.httpRequest("unmatched", "GET", 401, Duration.ofMillis(1));
        String text = scrape(m);
        assertThat(text).contains("strata_databases{engine=\"redis\",status=\"ready\"} 2.0")
                .contains("strata_database_restarts_total{database_id=\"db_a\",engine=\"redis\"} 1.0")
                .contains("strata_reconcile_failures_total{engine=\"none\"} 1.0")
                .contains("strata_http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"401\"} 1");
        assertThat(text).contains("strata_reconcile_failures_total{engine=\"mysql\"} 0.0"); // every engine from the start
        assertThat(m.contentType("text/plain")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void objectStorageIsMeasuredInTheBackgroundAtMostEvery30Seconds() throws Exception {
        Metrics m = metrics();
        scrape(m); // starts the first measurement; this scrape does not wait for it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape(m))
                .contains("strata_object_storage_bytes{project_id=\"proj_a\"} 4096.0")
                .contains("strata_object_storage_objects{project_id=\"proj_a\"} 2.0"));
        for (int i = 0; i < 5; i++) {
            scrape(m);
        }
        assertThat(measurements.get()).isEqualTo(1);
    }

    @Test
    void aHangingMetadataDatabaseCostsItsSeriesNotTheScrape() throws Exception {
        metadataSlow = true;
        Metrics m = metrics();
        m.reconcilePass(Duration.ofMillis(2));
        long started = System.nanoTime();
        String text = scrape(m);
        long took = System.nanoTime() - started;
        assertThat(Duration.ofNanos(took)).isLessThan(Metrics.QUERY_WITHIN.plusSeconds(3));
        assertThat(text).doesNotContain("strata_databases{").contains("strata_reconcile_pass_duration_seconds_count 1");
    }
}
