package dev.strata.provisioning.reconcile;

import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.backup.BackupCapability.RestoreJob;
import dev.strata.domain.backup.CloneCapability;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.EngineDriver;
import dev.strata.provisioning.backup.BackupSteps;
import dev.strata.domain.project.Project;
import dev.strata.domain.storage.Bucket;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.QuickLiveness;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.database.DatabaseChanged;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.project.Projects;
import dev.strata.provisioning.storage.Buckets;
import dev.strata.provisioning.wake.FrontDoor;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives every database towards its desired state, the way a Kubernetes controller does: work is driven by change
 * events, with a slow full resync as the safety net, so that its cost at rest does not grow as a transaction and a
 * connection per database per second.
 * <ul>
 * <li>A committed change (create, patch, sleep, wake, delete, restore) is worked on at once ({@link #changed}).</li>
 * <li>Each tick (every {@code STRATA_RECONCILE_INTERVAL_MS}) renews the lease (written only when half of it is
 *     used up) and asks the metadata database in one query for the databases with work left (unfinished, failing
 *     with back-off, not answering): also what another control plane changed.</li>
 * <li>A ready database's server process is watched ({@link ServerExits}: one look at the host's processes for all
 *     of them every {@value #WATCH_EVERY_MS} ms): when it exits, the database is worked on (restarted) at once.
 *     Ready databases whose server cannot be watched (Kubernetes) are health-checked at every tick, as before.</li>
 * <li>Every {@code STRATA_RESYNC_SECONDS} every database is worked on (a health check with a connection, storage
 *     measured), spread evenly over the period; and all at once when this control plane starts or takes the lease,
 *     which is how a pass after a crash resumes.</li>
 * </ul>
 * Never two workers for the same database. Observations are written only when they change (the entity is updated
 * only when a recorded field differs). Because every step is idempotent and everything is re-read from the metadata
 * database, nothing is remembered in memory but back-off timers and which processes are watched.
 */
@Singleton
@Startup
@DependsOn("MetadataUpgrade")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
    private static final Duration LEASE_TTL = Duration.ofSeconds(15);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How often the processes of ready databases are looked at between passes (drivers that can: {@link QuickLiveness}). */
    static final long WATCH_EVERY_MS = 250;

    @Resource
    ManagedScheduledExecutorService timer;

    @Resource
    ManagedExecutorService workers;

    /** The watch's own thread: never queued behind a slow pass or another component's timer on the shared one. */
    @Resource
    jakarta.enterprise.concurrent.ManagedThreadFactory threads;

    @Inject
    ReconcileSteps steps;

    @Inject
    EngineDrivers drivers;

    @Inject
    StrataConfig config;

    @Inject
    Projects projects;

    @Inject
    Buckets buckets;

    @Inject
    BackupSteps backupSteps;

    @Inject
    FrontDoor frontDoor;

    @Inject
    dev.strata.provisioning.database.Databases databases;

    @Inject
    dev.strata.provisioning.metrics.Metrics metrics;

    @Inject
    dev.strata.provisioning.driver.local.WarmPool warmPool;

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Databases that changed while a worker was busy with them: worked on again as soon as it finishes. */
    private final Set<String> again = ConcurrentHashMap.newKeySet();
    private final Map<String, Backoff> backoff = new ConcurrentHashMap<>();
    /** Ready databases whose server process is watched, with the snapshot they were last worked on with. */
    private final Map<String, Work> watched = new ConcurrentHashMap<>();
    private final ServerExits exits = new ServerExits();
    /** Ready databases whose server cannot be watched as a process: health-checked at every tick. */
    private final Set<String> polled = ConcurrentHashMap.newKeySet();
    /** Work the executor refused (saturated): handed out again at the next tick, since nothing else would soon. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** Bucket and project teardowns that failed: tried again at ticks once their back-off is over. */
    private final Set<String> teardowns = ConcurrentHashMap.newKeySet();
    /** What the current resync still has to visit (a few at each tick), and when the next one starts. */
    private final java.util.Deque<String> resync = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private volatile int resyncPerTick = 1;
    private volatile long nextResync;
    /**
     * Databases found dead (not answering) and not seen ready since, with what the health check saw: each outage that
     * ends ready is one restart (an event and the metric).
     */
    private final Map<String, String> down = new ConcurrentHashMap<>();
    private volatile boolean leader;
    private String holder;
    private ScheduledFuture<?> ticking;
    private ScheduledFuture<?> watching;
    private java.util.concurrent.ScheduledExecutorService watcher;

    private record Backoff(int failures, Instant notBefore) {
    }

    @PostConstruct
    void start() {
        holder = instanceId();
        long every = config.reconcileInterval().toMillis();
        ticking = timer.scheduleWithFixedDelay(this::pass, 0, every, TimeUnit.MILLISECONDS);
        watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(threads);
        watching = watcher.scheduleWithFixedDelay(this::watch, WATCH_EVERY_MS, WATCH_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        if (watching != null) {
            watching.cancel(false);
        }
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    /** Whether this control plane holds the lease (it alone drives servers and backups). */
    public boolean leader() {
        return leader;
    }

    /** A ready database whose server process exited is worked on now, not at the next resync. */
    void watch() {
        if (!leader) {
            return;
        }
        try {
            for (String id : exits.probe()) {
                if (watched.remove(id) != null) {
                    LOG.warning(() -> "the server process of database " + id + " is gone; restarting it");
                    again.add(id); // the worker that just started watching it may still be finishing
                    dispatch(id);
                }
            }
        } catch (RuntimeException e) {
            LOG.fine(() -> "watching server processes: " + e.getMessage());
        }
    }

    /** A database's desired state changed: look at it now instead of at the next pass. */
    public void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) DatabaseChanged event) {
        backoff.remove(event.databaseId());
        if (leader) {
            again.add(event.databaseId());
            dispatch(event.databaseId());
        }
    }

    void pass() {
        long started = System.nanoTime();
        try {
            boolean wasLeader = leader;
            leader = steps.claimLease(holder, LEASE_TTL);
            if (!leader) {
                return; // a standby's pass does nothing: not a pass in the metrics
            }
            long now = System.currentTimeMillis();
            if (!wasLeader) {
                // started, or took over from another control plane: everything at once (this is crash recovery)
                resync.clear();
                everything().forEach(this::dispatchUnlessBackingOff);
                nextResync = now + config.resyncInterval().toMillis();
            } else if (now >= nextResync) {
                startResync(now);
            }
            for (String id : steps.unsettledIds()) {
                dispatchUnlessBackingOff(id);
            }
            polled.forEach(this::dispatchUnlessBackingOff);
            teardowns.forEach(this::dispatchUnlessBackingOff);
            for (String id : refused) {
                refused.remove(id);
                dispatch(id);
            }
            for (int i = 0; i < resyncPerTick; i++) {
                String id = resync.poll();
                if (id == null) {
                    break;
                }
                dispatchUnlessBackingOff(id);
            }
            if (warmPool.enabled()) {
                // spares that are no one's removed, the pool refilled in the background (not in the pass)
                warmPool.maintain(steps.usedPorts(), workers);
            }
            metrics.reconcilePass(Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            // the metadata database may be briefly unreachable; the next pass tries again
            leader = false;
            LOG.log(Level.WARNING, "reconcile pass failed: " + e.getMessage());
            metrics.reconcilePass(Duration.ofNanos(System.nanoTime() - started));
            metrics.reconcileFailure(null);
        }
    }

    /** Every database, and every bucket and project whose deletion is unfinished. */
    private java.util.List<String> everything() {
        java.util.List<String> all = new java.util.ArrayList<>(steps.allIds());
        all.addAll(buckets.deletionsPending());
        all.addAll(projects.deletionsPending());
        return all;
    }

    /** Queues every database for the resync that starts now, to be visited evenly over the resync period. */
    private void startResync(long now) {
        long period = config.resyncInterval().toMillis();
        java.util.List<String> all = everything();
        long ticks = Math.max(1, period / Math.max(1, config.reconcileInterval().toMillis()));
        resync.clear();
        resync.addAll(all);
        resyncPerTick = (int) Math.max(1, (all.size() + ticks - 1) / ticks);
        nextResync = now + period;
    }

    private void dispatchUnlessBackingOff(String id) {
        Backoff b = backoff.get(id);
        if (b == null || Instant.now().isAfter(b.notBefore())) {
            dispatch(id);
        }
    }

    /** Works on {@code id} in a worker unless one is at it already: a database, or the teardown of a bucket or project. */
    private void dispatch(String id) {
        if (inFlight.add(id)) {
            again.remove(id);
            try {
                workers.execute(() -> {
                    try {
                        if (id.startsWith(Bucket.ID_PREFIX + "_")) {
                            tearDown(id, () -> buckets.finishDeletion(id));
                        } else if (id.startsWith(Project.ID_PREFIX + "_")) {
                            tearDown(id, () -> projects.finishDeletion(id));
                        } else {
                            reconcile(id);
                        }
                    } finally {
                        inFlight.remove(id);
                    }
                    if (again.contains(id)) {
                        dispatch(id);
                    }
                });
            } catch (RuntimeException e) {
                inFlight.remove(id);
                refused.add(id); // the executor is saturated: the next tick hands it out again
            }
        }
    }

    /** A teardown step; when it fails (the object store is down), retried with back-off. */
    private void tearDown(String id, Runnable step) {
        try {
            step.run();
            backoff.remove(id);
            teardowns.remove(id);
        } catch (RuntimeException e) {
            teardowns.add(id);
            LOG.warning("deleting " + id + " failed (attempt " + backOff(id) + "), will retry: " + e.getMessage());
            metrics.reconcileFailure(null);
        }
    }

    private void reconcile(String id) {
        Optional<Work> snapshot;
        try {
            snapshot = steps.snapshot(id);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read database " + id + ": " + e.getMessage());
            metrics.reconcileFailure(null);
            return;
        }
        if (snapshot.isEmpty()) {
            backoff.remove(id);
            forgetWatch(id);
            down.remove(id);
            return;
        }
        Work work = snapshot.get();
        forgetWatch(id);
        InstanceObservation observed;
        try {
            EngineDriver driver = drivers.forEngine(work.engine());
            if ((work.cloneSourceId() != null || work.restoreBackupId() != null) && !work.deletionRequested()) {
                frontDoor.hold(id); // its server goes down for the copy: clients wait for the restored one
            }
            if (work.cloneSourceId() != null && !work.deletionRequested()) {
                cloneParent(work, driver);
            }
            if (work.restoreBackupId() != null && !work.deletionRequested()) {
                String waiting = restore(work, driver);
                if (waiting != null) {
                    recordQuietly(id, work.generation(), InstanceObservation.notReady(waiting));
                    return;
                }
            }
            if (work.deletionRequested()) {
                frontDoor.close(id);
                driver.delete(work.spec());
                steps.forget(id);
                backoff.remove(id);
                down.remove(id);
                metrics.databaseDeleted(id);
                LOG.info(() -> "database " + id + " deleted");
                return;
            } else if (work.sleepRequested()) {
                down.remove(id); // stopped on purpose: no restart to count when it wakes
                observed = driver.stop(work.spec());
                if (observed.stopped()) {
                    guardWhileAsleep(work, driver);
                }
            } else if (work.converged()) {
                InstanceObservation health = driver.observe(work.spec());
                if (health.ready()) {
                    observed = health;
                    restartedIfItWasDown(work); // a restart that was still starting at the last pass
                } else {
                    LOG.warning(() -> "database " + id + " does not answer (" + health.message() + "); restarting it");
                    down.putIfAbsent(id, health.message() == null ? "" : health.message());
                    // show the outage (ready 0) while the server is brought back; its front door makes clients wait
                    frontDoor.hold(id);
                    recordQuietly(id, work.generation(), health);
                    observed = driver.ensureRunning(work.spec());
                    if (observed.ready()) {
                        restartedIfItWasDown(work);
                    }
                }
            } else {
                frontDoor.hold(id);
                observed = driver.ensureRunning(work.spec());
            }
            if (observed.ready() && work.fronted() && !work.sleepRequested()) {
                frontDoor.ready(id, config.bindAddress(), work.frontedPorts(driver.needsTlsPort()));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "database " + id + ": " + e.getMessage(), e);
            observed = InstanceObservation.failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (observed.failure() != null) {
            LOG.warning("database " + id + " failed (attempt " + backOff(id) + "): " + observed.failure());
            metrics.reconcileFailure(work.engine());
        } else {
            backoff.remove(id);
        }
        recordQuietly(id, work.generation(), observed);
        if (observed.ready() && !work.sleepRequested() && !work.deletionRequested()) {
            watchServer(work);
        }
    }

    /**
     * From now on the ready database's server process is watched (a restart at once when it exits); a driver that
     * cannot show it, or a process already gone, puts the database among those health-checked at every tick.
     */
    private void watchServer(Work work) {
        try {
            EngineDriver driver = drivers.forEngine(work.engine());
            Long pid = driver instanceof QuickLiveness l ? l.serverPid(work.spec()) : null;
            if (pid != null) {
                watched.put(work.id(), work);
                Integer port = work.spec().port();
                if (exits.watch(work.id(), pid, port == null ? 0 : port)) {
                    return;
                }
                watched.remove(work.id());
            }
        } catch (RuntimeException e) {
            LOG.fine(() -> "cannot watch the server of " + work.id() + ": " + e.getMessage());
        }
        polled.add(work.id());
    }

    private void forgetWatch(String id) {
        watched.remove(id);
        exits.unwatch(id);
        polled.remove(id);
    }

    /**
     * A sleeping local database's public port is held by Strata's front door (the server listens on a loopback port
     * of its own from now on): a client's connection wakes it. Without STRATA_WAKE_ON_CONNECT, or for drivers
     * without ports (Kubernetes), nothing.
     */
    private void guardWhileAsleep(Work work, EngineDriver driver) {
        if (!driver.needsPort() || work.publicPort() == null || !config.wakeOnConnect()) {
            return;
        }
        // the server is stopped: its ports can move (a database fronted before its TLS port was gets that one too)
        // (the TLS port only where the server has one now: a local Redis in STRATA_TLS_MODE=prefer)
        boolean tls = driver.needsTlsPort();
        List<FrontDoor.Ports> ports = work.fullyFronted(tls) ? work.frontedPorts(tls) : steps.frontPorts(work.id(), tls);
        if (!ports.isEmpty()) {
            frontDoor.sleeping(work.id(), config.bindAddress(), ports, this::wakeForConnection);
        }
    }

    /** The front door's call: a client waits for this sleeping database (retried over a clash with a recording). */
    private void wakeForConnection(String id) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                databases.wakeForConnection(id);
                return;
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(20L * (attempt + 1)); // back-off before the next try, not synchronisation
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }

    /**
     * Carries out the restore a database waits for (into a new database, or in place once its safety backup
     * completed); null when done or given up, otherwise what it waits for. Failures throw (recorded as the
     * database's error, retried with back-off: the driver's restore is idempotent).
     */
    private String restore(Work work, EngineDriver driver) {
        BackupSteps.RestorePlan plan = backupSteps.restorePlan(work.id(), work.restoreBackupId(), work.generation());
        if (plan instanceof BackupSteps.Wait w) {
            return w.message();
        }
        if (plan instanceof BackupSteps.GiveUp g) {
            LOG.warning(() -> "database " + work.id() + ": " + g.reason());
            if (g.fatal()) {
                // a new database (a branch, a restore into a new one) never starts empty in place of its data
                throw new IllegalStateException(g.reason());
            }
            backupSteps.restoreFinished(work.id(), work.restoreBackupId(), g.reason());
            return null;
        }
        if (!(driver instanceof BackupCapability capability)) {
            backupSteps.restoreFinished(work.id(), work.restoreBackupId(), work.engine().wireName() + " databases cannot be restored by this driver");
            return null;
        }
        RestoreJob job = ((BackupSteps.Go) plan).job();
        String what = "restoring from backup " + work.restoreBackupId() + (job.pointInTime() == null ? "" : " to " + job.pointInTime());
        recordQuietly(work.id(), work.generation(), InstanceObservation.notReady(what));
        LOG.info(() -> "database " + work.id() + ": " + what);
        capability.restore(work.spec(), job);
        backupSteps.restoreFinished(work.id(), work.restoreBackupId(), null);
        LOG.info(() -> "database " + work.id() + ": restored from backup " + work.restoreBackupId());
        return null;
    }

    /** Copies a new branch's data from its parent's server (failures throw: recorded, retried with back-off). */
    private void cloneParent(Work work, EngineDriver driver) {
        InstanceSpec parent = steps.cloneSource(work.cloneSourceId()).orElseThrow(() -> new IllegalStateException("the parent "
                + work.cloneSourceId() + " was deleted before the branch's data was copied; delete this branch and branch again"));
        if (!(driver instanceof CloneCapability capability)) {
            throw new IllegalStateException(work.engine().wireName() + " databases cannot be copied by this driver");
        }
        recordQuietly(work.id(), work.generation(), InstanceObservation.notReady("copying the data of " + work.cloneSourceId()));
        long started = System.nanoTime();
        String how = capability.cloneFrom(parent, work.spec(), work.id() + "@" + work.generation());
        long ms = (System.nanoTime() - started) / 1_000_000;
        steps.cloneFinished(work.id(), "branch of " + work.cloneSourceId() + ": made by " + how + " in " + ms + " ms");
        LOG.info(() -> "database " + work.id() + ": copied from " + work.cloneSourceId() + " by " + how + " in " + ms + " ms");
    }

    /** A database found dead is ready again: one restart, however many tries it took (at once or at a later pass). */
    private void restartedIfItWasDown(Work work) {
        String reason = down.remove(work.id());
        if (reason == null) {
            return;
        }
        metrics.databaseRestarted(work.id(), work.engine());
        try {
            steps.restarted(work.id(), reason.isEmpty() ? null : reason);
        } catch (RuntimeException e) {
            LOG.fine(() -> "restart of " + work.id() + " not recorded: " + e.getMessage());
        }
    }

    /** One more failure of {@code id}: the next try waits longer (250 ms doubling, at most 30 s); the failure count. */
    private int backOff(String id) {
        Backoff before = backoff.get(id);
        int failures = before == null ? 1 : before.failures() + 1;
        backoff.put(id, new Backoff(failures, Instant.now().plusMillis(Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(failures, 10)))));
        return failures;
    }

    private void recordQuietly(String id, long generation, InstanceObservation observed) {
        try {
            steps.record(id, generation, observed);
        } catch (RuntimeException e) {
            // usually an optimistic-lock clash with a user's change: the next pass works on the new state
            LOG.fine(() -> "observation of " + id + " not recorded: " + e.getMessage());
        }
    }

    /** Stable per data directory, so a restarted Strata takes its own lease back at once. */
    private String instanceId() {
        Path file = config.dataDir().resolve("instance-id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.getParent());
            String id = UUID.randomUUID().toString();
            Files.writeString(file, id);
            return id;
        } catch (IOException e) {
            return UUID.randomUUID().toString();
        }
    }
}
