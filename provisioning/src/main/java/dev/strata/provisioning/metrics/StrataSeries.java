package dev.strata.provisioning.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every series Strata exports, in one registry: what the reconciler and the API count as they go, the scrape-time
 * gauges computed from {@link ScrapeFigures}, and the JVM's own. Names follow Prometheus' conventions: a
 * {@code strata_} prefix, base units in the name, {@code _total} on counters; the only labels of unbounded
 * cardinality are the database and project ids of the per-database and per-project series, where they are the point.
 */
public final class StrataSeries {

    private static final Logger LOG = Logger.getLogger(StrataSeries.class.getName());

    /** The route of an API request that matched no resource method (an unknown path, a refused key, a wrong method). */
    public static final String UNMATCHED = "unmatched";
    /** The engine label of a reconcile failure that concerns no database (a pass, a bucket's or project's teardown). */
    public static final String NO_ENGINE = "none";

    /** Seconds: from a quick API read (5 ms) to a slow create or restore (30 s). */
    private static final double[] HTTP_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    /** Seconds: a pass only claims the lease and hands databases to workers; a slow metadata database shows here. */
    private static final double[] PASS_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final PrometheusRegistry registry;
    private final Histogram reconcilePass;
    private final Counter reconcileFailures;
    private final Counter restarts;
    private final Histogram httpRequests;
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

    /**
     * @param registry where every series goes (a fresh one per application: a redeployment starts from zero)
     * @param figures  the metadata behind the scrape-time gauges
     * @param clock    for the backups' age
     * @param jvm      whether to add the JVM's series (memory, GC, threads, classes, CPU)
     */
    public StrataSeries(PrometheusRegistry registry, ScrapeFigures figures, Clock clock, boolean jvm) {
        this.registry = registry;
        reconcilePass = Histogram.builder()
                .name("strata_reconcile_pass_duration_seconds")
                .help("Duration of each reconciler pass (claiming the lease, listing the work, handing it to workers)")
                .unit(Unit.SECONDS)
                .classicOnly().classicUpperBounds(PASS_BUCKETS)
                .register(registry);
        reconcileFailures = Counter.builder()
                .name("strata_reconcile_failures_total")
                .help("Reconciler steps that failed (a driver call for a database, a teardown, a whole pass), by engine")
                .labelNames("engine")
                .register(registry);
        restarts = Counter.builder()
                .name("strata_database_restarts_total")
                .help("Times a database's server was found dead and Strata restarted it")
                .labelNames("database_id", "engine")
                .register(registry);
        httpRequests = Histogram.builder()
                .name("strata_http_server_requests_seconds")
                .help("API requests by route template, method and status: how long each took to answer")
                .unit(Unit.SECONDS)
                .labelNames("route", "method", "status")
                .classicOnly().classicUpperBounds(HTTP_BUCKETS)
                .register(registry);
        registry.register(new FromMetadata(figures, clock));
        if (jvm) {
            // JvmMetrics' set without two: the memory-pool allocation series add GC listeners to the JVM that are
            // never removed (each redeployment of the EAR would leak its class loader), and the native-memory
            // series run a diagnostic command at every scrape (and say nothing unless NMT is on)
            JvmThreadsMetrics.builder().register(registry);
            JvmBufferPoolMetrics.builder().register(registry);
            JvmClassLoadingMetrics.builder().register(registry);
            JvmCompilationMetrics.builder().register(registry);
            JvmGarbageCollectorMetrics.builder().register(registry);
            JvmMemoryMetrics.builder().register(registry);
            JvmRuntimeInfoMetric.builder().register(registry);
            ProcessMetrics.builder().register(registry);
        }
    }

    /** Shows these engines' (and {@link #NO_ENGINE}'s) failure counters at 0 from the start, so that rate() sees the first failure. */
    public void knownEngines(List<String> engines) {
        reconcileFailures.labelValues(NO_ENGINE);
        engines.forEach(reconcileFailures::labelValues);
    }

    public void reconcilePass(Duration took) {
        reconcilePass.observe(seconds(took));
    }

    /** A reconcile step failed; {@code engine} is the database's engine (wire name), or null for none. */
    public void reconcileFailure(String engine) {
        reconcileFailures.labelValues(engine == null ? NO_ENGINE : engine).inc();
    }

    public void databaseRestarted(String databaseId, String engine) {
        restarts.labelValues(databaseId, engine).inc();
    }

    /** The database is gone: its per-database counters go too (ids would otherwise pile up until the next start). */
    public void databaseDeleted(String databaseId) {
        restarts.removeIf(labels -> labels.get(0).equals(databaseId));
    }

    /** One API request answered; {@code route} is its route template (e.g. {@code /api/v1/projects/{projectId}}) or {@link #UNMATCHED}. */
    public void httpRequest(String route, String method, int status, Duration took) {
        httpRequests.labelValues(route, method.toUpperCase(Locale.ROOT), Integer.toString(status)).observe(seconds(took));
    }

    /**
     * Writes every series in the format the client asks for ({@code Accept}): OpenMetrics 1.0 when it names
     * {@code application/openmetrics-text}, otherwise Prometheus text format 0.0.4. Returns the content type written.
     */
    public String write(String accept, OutputStream out) throws IOException {
        ExpositionFormatWriter writer = accept != null && openMetrics.accepts(accept) ? openMetrics : text;
        writer.write(out, registry.scrape());
        return writer.getContentType();
    }

    /** The content type {@link #write} uses for {@code accept}. */
    public String contentType(String accept) {
        return (accept != null && openMetrics.accepts(accept) ? openMetrics : text).getContentType();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** The gauges computed at scrape time; a source that fails leaves out its series only (a WARNING when it starts failing, once; INFO when it is back). */
    private static final class FromMetadata implements MultiCollector {

        private static final List<String> NAMES = List.of("strata_databases", "strata_backup_last_success_timestamp_seconds",
                "strata_backup_last_result", "strata_backup_age_seconds", "strata_object_storage_bytes", "strata_object_storage_objects");

        private final ScrapeFigures figures;
        private final Clock clock;

        FromMetadata(ScrapeFigures figures, Clock clock) {
            this.figures = figures;
            this.clock = clock;
        }

        @Override
        public List<String> getPrometheusNames() {
            return NAMES;
        }

        @Override
        public MetricSnapshots collect() {
            List<MetricSnapshot> out = new ArrayList<>();
            List<ScrapeFigures.DatabaseCount> counts = read("databases by engine and status", figures::databaseCounts);
            if (counts != null) {
                out.add(gauge("strata_databases", "Databases by engine and status", null, counts,
                        c -> Labels.of("engine", c.engine(), "status", c.status()), c -> (double) c.count()));
            }
            List<ScrapeFigures.BackupOutcome> backups = read("backup outcomes", figures::backupOutcomes);
            if (backups != null) {
                List<ScrapeFigures.BackupOutcome> succeeded = backups.stream().filter(b -> b.lastSuccess() != null).toList();
                double now = clock.millis() / 1000.0;
                out.add(gauge("strata_backup_last_success_timestamp_seconds",
                        "When the database's most recent successful backup completed (Unix time)", Unit.SECONDS, succeeded,
                        b -> backupLabels(b), b -> b.lastSuccess().toEpochMilli() / 1000.0));
                out.add(gauge("strata_backup_age_seconds", "Seconds since the database's most recent successful backup completed",
                        Unit.SECONDS, succeeded, b -> backupLabels(b), b -> Math.max(0, now - b.lastSuccess().toEpochMilli() / 1000.0)));
                out.add(gauge("strata_backup_last_result", "1 when the database's most recent finished backup succeeded, 0 when it failed",
                        null, backups, b -> backupLabels(b), b -> b.lastSucceeded() ? 1.0 : 0.0));
            }
            Map<String, ScrapeFigures.ObjectStorage> storage = read("object storage usage", figures::objectStorage);
            if (storage != null) {
                List<Map.Entry<String, ScrapeFigures.ObjectStorage>> projects = new ArrayList<>(storage.entrySet());
                projects.sort(Map.Entry.comparingByKey());
                out.add(gauge("strata_object_storage_bytes", "Bytes the project's buckets hold (every object version and unfinished upload)",
                        Unit.BYTES, projects, e -> Labels.of("project_id", e.getKey()), e -> (double) e.getValue().bytes()));
                out.add(gauge("strata_object_storage_objects", "Objects the project's buckets hold (every version)",
                        null, projects, e -> Labels.of("project_id", e.getKey()), e -> (double) e.getValue().objects()));
            }
            return new MetricSnapshots(out);
        }

        private static Labels backupLabels(ScrapeFigures.BackupOutcome b) {
            return Labels.of("database_id", b.databaseId(), "engine", b.engine());
        }

        /** What failed at the last scrape: said at WARNING when it starts failing, not at every scrape (Prometheus scrapes every 15 s). */
        private final Set<String> failing = ConcurrentHashMap.newKeySet();

        private <T> T read(String what, Supplier<T> source) {
            try {
                T value = source.get();
                if (failing.remove(what)) {
                    LOG.info(() -> "metrics: " + what + " available again");
                }
                return value;
            } catch (RuntimeException e) {
                // the metadata database restarting, a measurement failing, a broken query: this scrape goes without
                // these series; a WARNING the first time, so that series gone for good do not go unnoticed
                if (failing.add(what)) {
                    LOG.log(Level.WARNING, "metrics: " + what + " unavailable (the series are left out of scrapes"
                            + " until it is available again): " + e, e);
                } else {
                    LOG.fine(() -> "metrics: " + what + " still unavailable: " + e);
                }
                return null;
            }
        }

        private static <T> GaugeSnapshot gauge(String name, String help, Unit unit, List<T> rows,
                Function<T, Labels> labels, Function<T, Double> value) {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            if (unit != null) {
                b.unit(unit);
            }
            for (T row : rows) {
                b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.apply(row)).value(value.apply(row)).build());
            }
            return b.build();
        }
    }
}
