package dev.strata.provisioning.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrataSeriesTest {

    private static final Instant NOW = Instant.parse("2026-12-06T05:00:00Z");

    /** Sample metadata: two engines, one database whose last backup failed after an earlier success, one never successful. */
    private static final class Sample implements ScrapeFigures {
        boolean metadataDown;

        @Override
        public List<DatabaseCount> databaseCounts() {
            if (metadataDown) {
                throw new IllegalStateException("connection refused");
            }
            return List.of(new DatabaseCount("postgresql", "ready", 3), new DatabaseCount("redis", "error", 1));
        }

        @Override
        public List<BackupOutcome> backupOutcomes() {
            if (metadataDown) {
                throw new IllegalStateException("connection refused");
            }
            return List.of(
                    new BackupOutcome("db_a", "postgresql", NOW.minusSeconds(3600), null),
                    new BackupOutcome("db_b", "mysql", NOW.minusSeconds(7200), NOW.minusSeconds(60)),
                    new BackupOutcome("db_c", "redis", null, NOW.minusSeconds(10)));
        }

        @Override
        public Map<String, ObjectStorage> objectStorage() {
            return Map.of("proj_x", new ObjectStorage(2048, 3));
        }
    }

    private final Sample figures = new Sample();
    private final StrataSeries series = new StrataSeries(new PrometheusRegistry(), figures, Clock.fixed(NOW, ZoneOffset.UTC), false);

    private String scrape(String accept) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        series.write(accept, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void scrapeTimeGaugesFromTheMetadata() throws Exception {
        String text = scrape(null);
        assertThat(text).contains("# TYPE strata_databases gauge")
                .contains("strata_databases{engine=\"postgresql\",status=\"ready\"} 3.0")
                .contains("strata_databases{engine=\"redis\",status=\"error\"} 1.0")
                .contains("strata_backup_last_success_timestamp_seconds{database_id=\"db_a\",engine=\"postgresql\"} " + (double) NOW.minusSeconds(3600).getEpochSecond())
                .contains("strata_backup_age_seconds{database_id=\"db_a\",engine=\"postgresql\"} 3600.0")
                .contains("strata_backup_last_result{database_id=\"db_a\",engine=\"postgresql\"} 1.0")
                .contains("strata_backup_last_result{database_id=\"db_b\",engine=\"mysql\"} 0.0")
                .contains("strata_backup_last_result{database_id=\"db_c\",engine=\"redis\"} 0.0")
                .contains("strata_object_storage_bytes{project_id=\"proj_x\"} 2048.0")
                .contains("strata_object_storage_objects{project_id=\"proj_x\"} 3.0");
        // never succeeded: no success time, no age
        assertThat(text).doesNotContain("strata_backup_age_seconds{database_id=\"db_c\"")
                .doesNotContain("strata_backup_last_success_timestamp_seconds{database_id=\"db_c\"");
    }

    @Test
    void anUnavailableMetadataDatabaseLeavesOutItsSeriesOnly() throws Exception {
        figures.metadataDown = true;
        series.reconcilePass(Duration.ofMillis(3));
        String text = scrape(null);
        assertThat(text).doesNotContain("strata_databases").doesNotContain("strata_backup_")
                .contains("strata_object_storage_bytes{project_id=\"proj_x\"} 2048.0")
                .contains("strata_reconcile_pass_duration_seconds_count 1");
    }

    @Test
    void aFailingMetadataQueryIsAWarningOnceNotAtEveryScrape() throws Exception {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(StrataSeries.class.getName());
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(java.util.logging.Level.ALL);
        log.addHandler(handler);
        try {
            figures.metadataDown = true;
            scrape(null);
            scrape(null);
            scrape(null);
            List<String> warnings = records.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING).map(r -> r.getMessage()).toList();
            assertThat(warnings).hasSize(2) // databases by engine and status, backup outcomes: once each
                    .anySatisfy(m -> assertThat(m).startsWith("metrics: backup outcomes unavailable").contains("connection refused"))
                    .anySatisfy(m -> assertThat(m).startsWith("metrics: databases by engine and status unavailable"));
            figures.metadataDown = false;
            assertThat(scrape(null)).contains("strata_backup_last_result");
            figures.metadataDown = true;
            scrape(null);
            // failing again after a recovery is said again
            assertThat(records.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING)).hasSize(4);
        } finally {
            log.removeHandler(handler);
        }
    }

    @Test
    void countersAndHistograms() throws Exception {
        series.reconcilePass(Duration.ofMillis(3));
        series.reconcilePass(Duration.ofMillis(40));
        series.reconcileFailure("redis");
        series.reconcileFailure(null);
        series.databaseRestarted("db_a", "postgresql");
        series.databaseRestarted("db_a", "postgresql");
        series.httpRequest("/api/v1/workspaces/{wsId}/databases/{dbId}", "get", 200, Duration.ofMillis(7));
        series.httpRequest("/api/v1/workspaces/{wsId}/databases/{dbId}", "GET", 404, Duration.ofMillis(2));
        String text = scrape("*/*");
        assertThat(text)
                .contains("# TYPE strata_reconcile_pass_duration_seconds histogram")
                .contains("strata_reconcile_pass_duration_seconds_bucket{le=\"0.005\"} 1")
                .contains("strata_reconcile_pass_duration_seconds_bucket{le=\"+Inf\"} 2")
                .contains("strata_reconcile_pass_duration_seconds_count 2")
                .contains("strata_reconcile_pass_duration_seconds_sum 0.043")
                .contains("# TYPE strata_reconcile_failures_total counter")
                .contains("strata_reconcile_failures_total{engine=\"redis\"} 1.0")
                .contains("strata_reconcile_failures_total{engine=\"none\"} 1.0")
                .contains("strata_database_restarts_total{database_id=\"db_a\",engine=\"postgresql\"} 2.0")
                .contains("strata_http_server_requests_seconds_bucket{method=\"GET\",route=\"/api/v1/workspaces/{wsId}/databases/{dbId}\",status=\"200\",le=\"0.01\"} 1")
                .contains("strata_http_server_requests_seconds_bucket{method=\"GET\",route=\"/api/v1/workspaces/{wsId}/databases/{dbId}\",status=\"200\",le=\"0.005\"} 0")
                .contains("strata_http_server_requests_seconds_count{method=\"GET\",route=\"/api/v1/workspaces/{wsId}/databases/{dbId}\",status=\"404\"} 1")
                .contains("strata_http_server_requests_seconds_sum{method=\"GET\",route=\"/api/v1/workspaces/{wsId}/databases/{dbId}\",status=\"200\"} 0.007");
    }

    @Test
    void aDeletedDatabasesCountersGo() throws Exception {
        series.databaseRestarted("db_a", "postgresql");
        series.databaseRestarted("db_b", "redis");
        series.databaseDeleted("db_a");
        assertThat(scrape(null)).doesNotContain("strata_database_restarts_total{database_id=\"db_a\"")
                .contains("strata_database_restarts_total{database_id=\"db_b\",engine=\"redis\"} 1.0");
    }

    @Test
    void formatByAccept() throws Exception {
        assertThat(series.contentType(null)).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(series.contentType("text/plain")).startsWith("text/plain; version=0.0.4");
        String prometheus = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assertThat(series.contentType(prometheus)).startsWith("application/openmetrics-text; version=1.0.0");
        series.databaseRestarted("db_a", "redis");
        assertThat(scrape(prometheus)).contains("strata_database_restarts_total{database_id=\"db_a\",engine=\"redis\"} 1.0").endsWith("# EOF\n");
    }

    @Test
    void jvmSeries() throws Exception {
        StrataSeries withJvm = new StrataSeries(new PrometheusRegistry(), figures, Clock.systemUTC(), true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        withJvm.write(null, out);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("jvm_memory_used_bytes{area=\"heap\"}").contains("jvm_threads_current")
                .contains("jvm_gc_collection_seconds_count").contains("process_cpu_seconds_total").doesNotContain("jvm_memory_pool_allocated_bytes");
    }
}
