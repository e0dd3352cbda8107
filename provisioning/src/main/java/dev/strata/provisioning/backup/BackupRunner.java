package dev.strata.provisioning.backup;

import dev.strata.domain.backup.ArchiveShipping;
import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.backup.BackupCapability.RestoreJob;
import dev.strata.domain.backup.BackupCapability.TakenBackup;
import dev.strata.domain.database.EngineDriver;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.reconcile.Reconciler;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes backups, like the reconciler drives databases: every second (and at once when one is asked for) it
 * starts the pending backups and the running ones a restart of the control plane interrupted (each is taken again,
 * at most {@link BackupSteps#MAX_ATTEMPTS} times, then failed: never stuck in {@code running}), takes the scheduled
 * backups that are due, marks those whose retention ended for deletion and removes the files of deleted ones.
 * Only the control plane that holds the reconciler's lease does this; one worker per backup.
 */
@Singleton
@Startup
@DependsOn("ObjectStoreStartup") // which depends on MetadataUpgrade: no diamond, which Payara may take for a cycle
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class BackupRunner {

    private static final Logger LOG = Logger.getLogger(BackupRunner.class.getName());

    @Resource
    ManagedScheduledExecutorService timer;

    @Resource
    ManagedExecutorService workers;

    @Inject
    BackupSteps steps;

    @Inject
    BackupStorage storage;

    @Inject
    EngineDrivers drivers;

    @Inject
    Reconciler reconciler;

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Deletions that failed, and when they are tried again (30 s, doubling, at most 10 min). */
    private final java.util.Map<String, long[]> retryAt = new ConcurrentHashMap<>();
    private ScheduledFuture<?> ticking;
    /** How often archives that Strata ships (MariaDB binary logs) are closed and stored: within their RPO of 30 s. */
    private static final long ARCHIVE_EVERY_MS = 25_000;
    private volatile long nextArchive;

    @PostConstruct
    void start() {
        ticking = timer.scheduleWithFixedDelay(this::pass, 1_000, 1_000, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    public void requested(@Observes(during = TransactionPhase.AFTER_SUCCESS) BackupRequested event) {
        if (reconciler.leader()) {
            dispatch(event.backupId());
        }
    }

    void pass() {
        try {
            // on every node, before anything else: the databases' archivers need the repository key from the start
            storage.grantRepositoryAccess();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "the backup repository is not reachable yet: " + e.getMessage());
        }
        if (!reconciler.leader()) {
            return;
        }
        try {
            steps.scheduleDue();
            steps.pruneExpired();
            steps.toRun().forEach(this::dispatch);
            if (System.currentTimeMillis() >= nextArchive) {
                nextArchive = System.currentTimeMillis() + ARCHIVE_EVERY_MS;
                steps.archiveTargets().forEach(this::ship);
            }
            long now = System.currentTimeMillis();
            steps.deletionsPending().stream().filter(id -> retryAt.getOrDefault(id, new long[] {0, 0})[0] <= now).forEach(this::dispatch);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "backup pass failed: " + e.getMessage());
        }
    }

    private void dispatch(String backupId) {
        if (!inFlight.add(backupId)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    work(backupId);
                } finally {
                    inFlight.remove(backupId);
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(backupId);
        }
    }

    /** Ships one database's archive on a worker (one at a time per database); a failure is logged and tried at the next round. */
    private void ship(BackupSteps.ArchiveRun run) {
        String slot = "archive:" + run.databaseId();
        if (!inFlight.add(slot)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    if (drivers.forEngine(run.engine()) instanceof ArchiveShipping shipping) {
                        shipping.shipArchive(run.spec(), run.key(), run.repository());
                    }
                } catch (RuntimeException e) {
                    LOG.warning("shipping the archive of database " + run.databaseId() + " failed, tried again: " + e.getMessage());
                } finally {
                    inFlight.remove(slot);
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(slot);
        }
    }

    private void work(String backupId) {
        try {
            Optional<RestoreJob> deletion = steps.deletion(backupId);
            if (deletion.isPresent()) {
                try {
                    delete(backupId, deletion.get());
                    retryAt.remove(backupId);
                } catch (RuntimeException e) {
                    long[] before = retryAt.getOrDefault(backupId, new long[] {0, 15_000});
                    long wait = Math.min(600_000, before[1] * 2);
                    retryAt.put(backupId, new long[] {System.currentTimeMillis() + wait, wait});
                    LOG.warning("deleting backup " + backupId + " failed, tried again in " + wait / 1000 + " s: " + e.getMessage());
                }
                return;
            }
            Optional<BackupSteps.Run> run = steps.begin(backupId);
            if (run.isEmpty()) {
                return;
            }
            take(run.get());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "backup " + backupId + ": " + e.getMessage(), e);
        }
    }

    private void take(BackupSteps.Run run) {
        long started = System.nanoTime();
        try {
            EngineDriver driver = drivers.forEngine(run.engine());
            if (!(driver instanceof BackupCapability capability)) {
                steps.fail(run.backupId(), run.engine().wireName() + " databases cannot be backed up by this driver");
                return;
            }
            LOG.info(() -> "backup " + run.backupId() + " of database " + run.databaseId() + " started");
            TakenBackup taken = capability.backup(run.spec(), run.job());
            steps.complete(run.backupId(), taken);
            LOG.info(() -> "backup " + run.backupId() + " completed: " + taken.sizeBytes() + " bytes in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warning("backup " + run.backupId() + " of database " + run.databaseId() + " failed: " + reason);
            steps.fail(run.backupId(), reason);
        }
    }

    private void delete(String backupId, RestoreJob job) {
        EngineDriver driver = steps.engineOf(backupId).map(drivers::forEngine).orElse(null);
        if (driver instanceof BackupCapability capability) {
            capability.deleteBackup(job);
        }
        steps.forget(backupId);
        LOG.info(() -> "backup " + backupId + " deleted");
    }
}
