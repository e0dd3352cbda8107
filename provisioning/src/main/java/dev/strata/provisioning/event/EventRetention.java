package dev.strata.provisioning.event;

import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.reconcile.Reconciler;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the event log and the webhook deliveries for {@code STRATA_EVENT_RETENTION_DAYS} (90): once an hour (the
 * first time a minute after start) the control plane that holds the reconciler's lease deletes the finished
 * deliveries (succeeded or given up) and then the events older than that, in batches of {@value #BATCH} rows, each in
 * a transaction of its own ({@link RetentionSteps}). A pending delivery is never deleted, nor the event it is to send.
 * <p>
 * A thread of its own, as the webhook dispatcher's ticker: a backlog of many batches never holds up a reconciler pass
 * or another component on the shared scheduler, and no EJB timer store is needed. It stops between batches when
 * Strata stops or this control plane loses the lease.
 */
@Singleton
@Startup
@DependsOn("Reconciler")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class EventRetention {

    private static final Logger LOG = Logger.getLogger(EventRetention.class.getName());
    /** Rows per transaction: a batch takes milliseconds, and locks no row that anything else is waiting for. */
    static final int BATCH = 1000;
    static final Duration FIRST = Duration.ofMinutes(1);
    /** How long a stop waits for a batch under way to end (a batch takes milliseconds). */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    @Resource
    ManagedThreadFactory threads;

    @Inject
    RetentionSteps steps;

    @Inject
    Reconciler reconciler;

    @Inject
    StrataConfig config;

    private ScheduledExecutorService pruner;
    private Duration retention;
    private volatile boolean stopping;

    @PostConstruct
    void start() {
        // checked here, once: a bad value fails the deployment, naming the setting
        retention = config.eventRetention();
        long every = config.eventRetentionInterval().toMillis();
        pruner = Executors.newSingleThreadScheduledExecutor(threads);
        pruner.scheduleWithFixedDelay(this::pruneQuietly, Math.min(FIRST.toMillis(), every), every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        stopping = true;
        if (pruner != null) {
            pruner.shutdownNow();
            try {
                // a batch under way ends its transaction before the bean and its resources go; no other one starts
                if (!pruner.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warning(() -> "event retention: the batch under way did not end within " + STOP_WAIT.toSeconds() + " s of the stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A run that never throws: an exception would end the schedule. */
    private void pruneQuietly() {
        try {
            prune();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "event retention: this run failed (the next one tries again): " + e.getMessage());
        }
    }

    void prune() {
        if (stopping || !reconciler.leader()) {
            return;
        }
        Instant before = Instant.now().minus(retention);
        BooleanSupplier carryOn = () -> !stopping && reconciler.leader();
        // deliveries first: an event whose deliveries are all finished is then deleted in the same run
        long deliveries = drain(max -> steps.finishedDeliveries(before, max), carryOn);
        long events = drain(max -> steps.events(before, max), carryOn);
        if (deliveries + events > 0) {
            LOG.info(() -> "event retention: deleted " + events + " events and " + deliveries + " finished webhook deliveries from before "
                    + before + " (" + retention.toDays() + " days)");
        }
    }

    /**
     * Runs {@code batch} (given the most rows it may delete, answering how many it did) until a batch deletes fewer
     * than {@value #BATCH} (nothing older is left) or {@code carryOn} says stop; how many rows were deleted in all.
     */
    static long drain(IntUnaryOperator batch, BooleanSupplier carryOn) {
        long total = 0;
        while (carryOn.getAsBoolean()) {
            int n = batch.applyAsInt(BATCH);
            total += n;
            if (n < BATCH) {
                break;
            }
        }
        return total;
    }
}
