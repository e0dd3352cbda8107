package dev.strata.provisioning.metrics;

import dev.strata.domain.database.Engine;
import dev.strata.domain.storage.StorageUsage;
import dev.strata.provisioning.storage.Buckets;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's one metrics registry ({@link StrataSeries}): the reconciler and the API record into it, the
 * dashboard's web module serves it at {@code /metrics}. A fresh registry per deployment, held by this singleton
 * rather than the client library's static default, so a redeployment starts every counter from zero.
 * <p>
 * What the object store holds is measured in the background (the embedded store walks its files), at most every
 * {@link #STORAGE_EVERY} and only while someone scrapes; a scrape serves the last measurement.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Metrics {

    private static final Logger LOG = Logger.getLogger(Metrics.class.getName());
    static final Duration STORAGE_EVERY = Duration.ofSeconds(30);
    /**
     * How long a scrape waits for a metadata query: well inside Prometheus' default scrape timeout (10 s), whereas
     * a connection from the pool may be waited for up to a minute while the metadata database restarts.
     */
    static final Duration QUERY_WITHIN = Duration.ofSeconds(4);

    @Inject
    MetricsQueries queries;

    @Inject
    Buckets buckets;

    @Resource
    ManagedExecutorService workers;

    private StrataSeries series;
    private volatile Map<String, ScrapeFigures.ObjectStorage> storage = Map.of();
    private volatile long storageMeasuredAt = Long.MIN_VALUE;
    private final AtomicBoolean measuring = new AtomicBoolean();

    @PostConstruct
    void start() {
        series = new StrataSeries(new PrometheusRegistry(), new FromMetadataDatabase(), Clock.systemUTC(), true);
        series.knownEngines(Arrays.stream(Engine.values()).map(Engine::wireName).toList());
    }

    public void reconcilePass(Duration took) {
        series.reconcilePass(took);
    }

    /** A reconcile step failed; {@code engine} null when it concerns no database. */
    public void reconcileFailure(Engine engine) {
        series.reconcileFailure(engine == null ? null : engine.wireName());
    }

    public void databaseRestarted(String databaseId, Engine engine) {
        series.databaseRestarted(databaseId, engine.wireName());
    }

    public void databaseDeleted(String databaseId) {
        series.databaseDeleted(databaseId);
    }

    public void httpRequest(String route, String method, int status, Duration took) {
        series.httpRequest(route, method, status, took);
    }

    /** Writes every series in the format {@code accept} asks for; see {@link StrataSeries#write}. */
    public void write(String accept, OutputStream out) throws IOException {
        series.write(accept, out);
    }

    public String contentType(String accept) {
        return series.contentType(accept);
    }

    private volatile boolean storageFailing;

    private void measureStorageSoon() {
        long now = System.nanoTime();
        if (storageMeasuredAt != Long.MIN_VALUE && now - storageMeasuredAt < STORAGE_EVERY.toNanos() || !measuring.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    Map<String, ScrapeFigures.ObjectStorage> fresh = new TreeMap<>();
                    for (Map.Entry<String, StorageUsage> e : buckets.usageByProject().entrySet()) {
                        fresh.put(e.getKey(), new ScrapeFigures.ObjectStorage(e.getValue().bytes(), e.getValue().objects()));
                    }
                    storage = fresh;
                    if (storageFailing) {
                        storageFailing = false;
                        LOG.info("metrics: the object store is measured again");
                    }
                } catch (RuntimeException e) {
                    // a WARNING when it starts failing, not at every measurement: the figures shown are then stale
                    if (!storageFailing) {
                        storageFailing = true;
                        LOG.log(Level.WARNING, "metrics: measuring the object store failed (strata_object_storage_* keep"
                                + " their last figures until it works again): " + e, e);
                    } else {
                        LOG.fine(() -> "metrics: measuring the object store failed again: " + e);
                    }
                } finally {
                    storageMeasuredAt = System.nanoTime();
                    measuring.set(false);
                }
            });
        } catch (RuntimeException e) {
            measuring.set(false);
            LOG.fine(() -> "metrics: cannot measure the object store now: " + e);
        }
    }

    private final class FromMetadataDatabase implements ScrapeFigures {

        @Override
        public List<DatabaseCount> databaseCounts() {
            return within(queries::databaseCounts);
        }

        @Override
        public List<BackupOutcome> backupOutcomes() {
            return within(queries::backupOutcomes);
        }

        /** The query's answer, or an exception when it fails or takes longer than {@link #QUERY_WITHIN} (the scrape goes on without it). */
        private <T> T within(Callable<T> query) {
            Future<T> answer = workers.submit(query);
            try {
                return answer.get(QUERY_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                answer.cancel(true);
                throw new IllegalStateException("no answer from the metadata database within " + QUERY_WITHIN.toSeconds() + " s");
            } catch (ExecutionException e) {
                throw new IllegalStateException(String.valueOf(e.getCause()), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }

        @Override
        public Map<String, ObjectStorage> objectStorage() {
            measureStorageSoon();
            return storage;
        }
    }
}
