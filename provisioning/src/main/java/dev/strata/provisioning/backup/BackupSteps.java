package dev.strata.provisioning.backup;

import dev.strata.domain.backup.Backup;
import dev.strata.domain.backup.BackupCapability.BackupJob;
import dev.strata.domain.backup.BackupCapability.RestoreJob;
import dev.strata.domain.backup.BackupCapability.TakenBackup;
import dev.strata.domain.backup.BackupPolicy;
import dev.strata.domain.backup.BackupRepository;
import dev.strata.domain.backup.BackupStatus;
import dev.strata.domain.backup.BackupTrigger;
import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabaseRepository;
import dev.strata.domain.database.DatabaseStatus;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.secrets.SecretBox;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/** The backup runner's and the reconciler's short transactions about backups: read, start, record, plan a restore. */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class BackupSteps {

    private static final Logger LOG = Logger.getLogger(BackupSteps.class.getName());
    /** A backup interrupted this many times (control plane restarts) is given up. */
    static final int MAX_ATTEMPTS = 3;

    @Inject
    BackupRepository backups;

    @Inject
    DatabaseRepository databases;

    @Inject
    SecretBox secrets;

    @Inject
    BackupStorage storage;

    @Inject
    Backups service;

    @Inject
    dev.strata.provisioning.driver.EngineDrivers drivers;

    @Inject
    dev.strata.provisioning.event.EventLog events;

    /** What the runner needs to take one backup, outside any transaction. */
    public record Run(String backupId, String databaseId, Engine engine, InstanceSpec spec, BackupJob job) {
    }

    /** A database whose continuous archive the runner ships: its spec, backup key and the repository. */
    public record ArchiveRun(String databaseId, Engine engine, InstanceSpec spec, String key, BackupStorage repository) {
        @Override
        public String toString() {
            return "ArchiveRun[" + databaseId + "]";
        }
    }

    /**
     * The databases whose driver ships their archive itself ({@link dev.strata.domain.backup.ArchiveShipping}) and that
     * have a base backup (before it, an archive serves no restore): running or asleep, not being restored or deleted.
     */
    public List<ArchiveRun> archiveTargets() {
        List<ArchiveRun> out = new ArrayList<>();
        // only engines whose driver ships archives: a host of Redis databases reads none of them every 25 s
        java.util.Set<Engine> shipping = java.util.EnumSet.noneOf(Engine.class);
        for (Engine e : Engine.values()) {
            try {
                if (drivers.forEngine(e) instanceof dev.strata.domain.backup.ArchiveShipping) {
                    shipping.add(e);
                }
            } catch (RuntimeException notHere) {
                // an engine this host does not offer
            }
        }
        for (String id : databases.idsOfEngines(shipping)) {
            Database d = databases.findById(id).orElse(null);
            if (d == null || d.deletionRequested() || !d.everReady() || d.restoreBackupId() != null || d.cloneSourceId() != null
                    || !(drivers.forEngine(d.engine()) instanceof dev.strata.domain.backup.ArchiveShipping)) {
                continue;
            }
            Optional<BackupPolicy> policy = backups.policy(d.id());
            if (policy.isEmpty() || backups.completedOf(d.id()).stream().noneMatch(Backup::pointInTimeBase)) {
                continue;
            }
            out.add(new ArchiveRun(d.id(), d.engine(), d.spec(secrets.open(d.passwordSealed()), secrets.open(d.adminPasswordSealed())),
                    secrets.open(policy.get().keySealed()), storage));
        }
        return out;
    }

    /** Backups to take: pending ones, and running ones no worker of this process has (a restart interrupted them). */
    public List<String> toRun() {
        List<String> ids = new ArrayList<>(backups.idsWithStatus(BackupStatus.RUNNING));
        ids.addAll(backups.idsWithStatus(BackupStatus.PENDING));
        return ids;
    }

    public List<String> deletionsPending() {
        return backups.deletionsPending();
    }

    /** Marks the backup running and hands out what the driver needs; empty when there is nothing to do (or it failed here). */
    public Optional<Run> begin(String backupId) {
        Backup b = backups.findById(backupId).orElse(null);
        if (b == null || b.deletionRequested() || b.status().finished()) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        if (b.attempts() >= MAX_ATTEMPTS) {
            b.fail("interrupted " + b.attempts() + " times (the control plane stopped during the backup); given up", now, day());
            recordFailed(b);
            return Optional.empty();
        }
        Optional<Database> db = databases.findById(b.databaseId());
        if (db.isEmpty() || db.get().deletionRequested()) {
            b.fail("the database was deleted before the backup could be taken", now, day());
            recordFailed(b);
            return Optional.empty();
        }
        Database d = db.get();
        if (d.status() == DatabaseStatus.PROVISIONING || d.restoreBackupId() != null && !b.id().equals(d.safetyBackupId())) {
            return Optional.empty(); // not yet: tried again at the next pass
        }
        if (backups.idsWithStatus(BackupStatus.RUNNING).stream().anyMatch(other -> !other.equals(b.id())
                && backups.findById(other).map(o -> o.databaseId().equals(b.databaseId())).orElse(false))) {
            return Optional.empty(); // one backup of a database at a time: after the one that runs
        }
        if (b.status() == BackupStatus.RUNNING) {
            LOG.warning(() -> "backup " + backupId + " was interrupted (attempt " + b.attempts() + "); taking it again");
        }
        b.start(now);
        InstanceSpec spec = d.spec(secrets.open(d.passwordSealed()), secrets.open(d.adminPasswordSealed()));
        return Optional.of(new Run(b.id(), d.id(), d.engine(), spec, new BackupJob(b.id(), secrets.open(b.keySealed()), storage, b.retentionDays())));
    }

    public void complete(String backupId, TakenBackup taken) {
        backups.findById(backupId).ifPresent(b -> {
            b.complete(taken.location(), taken.sizeBytes(), taken.pointInTimeBase(), Instant.now(), day());
            events.record(dev.strata.domain.event.EventType.BACKUP_COMPLETED, b.workspaceId(), b.projectId(), b.databaseId(), b.id(),
                    "Backup " + b.id() + " of database " + b.databaseName() + " completed (" + taken.sizeBytes() + " bytes)",
                    dev.strata.domain.event.EventData.builder().put("trigger", b.trigger().wireName()).put("sizeBytes", taken.sizeBytes()).build());
        });
    }

    public void fail(String backupId, String reason) {
        backups.findById(backupId).filter(b -> !b.status().finished()).ifPresent(b -> {
            b.fail(reason, Instant.now(), day());
            recordFailed(b);
        });
    }

    private void recordFailed(Backup b) {
        String error = b.error().length() > 500 ? b.error().substring(0, 497) + "..." : b.error();
        events.record(dev.strata.domain.event.EventType.BACKUP_FAILED, b.workspaceId(), b.projectId(), b.databaseId(), b.id(),
                "Backup " + b.id() + " of database " + b.databaseName() + " failed: " + error,
                dev.strata.domain.event.EventData.builder().put("trigger", b.trigger().wireName()).put("error", error).build());
    }

    /** How long a retention day lasts: a day, unless {@code STRATA_BACKUP_DAY_SECONDS} says otherwise (tests of pruning). */
    static java.time.Duration day() {
        return java.time.Duration.ofSeconds(dev.strata.provisioning.config.Settings.get("STRATA_BACKUP_DAY_SECONDS").map(Long::parseLong).orElse(86_400L));
    }

    /** Takes the scheduled backups that are due; forgets the policies of databases that are gone. */
    public int scheduleDue() {
        Instant now = Instant.now();
        int started = 0;
        for (BackupPolicy p : backups.duePolicies(now)) {
            Optional<Database> db = databases.findById(p.databaseId());
            if (db.isEmpty() || db.get().deletionRequested()) {
                backups.remove(p);
                continue;
            }
            p.scheduled(Schedules.next(p.schedule(), now));
            Database d = db.get();
            if (d.status() == DatabaseStatus.PROVISIONING || d.restoreBackupId() != null || backups.inProgress(d.id())) {
                continue; // skipped: the next run is due at the next time
            }
            service.start(d, BackupTrigger.SCHEDULED);
            started++;
        }
        return started;
    }

    /**
     * Marks the backups whose retention ended for deletion, except the newest completed backup of a database that
     * still exists (never pruned: it may be the only way back) and a backup that an accepted restore, branch or
     * point-in-time restore still has to read (it is pruned at a later pass, once that restore is done; a restart
     * of Strata in between must not leave the restore without its backup).
     */
    public int pruneExpired() {
        int pruned = 0;
        Instant now = Instant.now();
        for (Backup b : backups.expired(now)) {
            if (databases.restoreWaitsFor(b.id())) {
                continue;
            }
            boolean alive = databases.findById(b.databaseId()).filter(d -> !d.deletionRequested()).isPresent();
            if (alive && backups.newestCompleted(b.databaseId()).map(n -> n.id().equals(b.id())).orElse(false)) {
                continue;
            }
            if (b.status() == BackupStatus.COMPLETED || b.status() == BackupStatus.FAILED) {
                b.markForDeletion(now);
                pruned++;
            }
        }
        return pruned;
    }

    /** What the driver needs to remove one backup's files (empty when it never stored anything). */
    public Optional<RestoreJob> deletion(String backupId) {
        // not while a backup of the same database runs (pgBackRest's expire and backup would both rewrite its catalogue)
        return backups.findById(backupId).filter(Backup::deletionRequested).filter(b -> !backups.inProgress(b.databaseId())).map(this::job);
    }

    public Optional<Engine> engineOf(String backupId) {
        return backups.findById(backupId).map(Backup::engine);
    }

    public void forget(String backupId) {
        backups.findById(backupId).filter(Backup::deletionRequested).ifPresent(backups::remove);
    }

    private RestoreJob job(Backup b) {
        return new RestoreJob(b.id(), b.databaseId(), b.location(), secrets.open(b.keySealed()), b.sourceUsername(), b.sourceDatabase(),
                storage, null, null, null);
    }

    /** What a pending restore of a database waits for, or the job to run. */
    public sealed interface RestorePlan permits Wait, GiveUp, Go {
    }

    public record Wait(String message) implements RestorePlan {
    }

    /** The restore cannot be done; {@code fatal}: the database never had data of its own (a new one), so it stays in error. */
    public record GiveUp(String reason, boolean fatal) implements RestorePlan {
    }

    public record Go(RestoreJob job) implements RestorePlan {
    }

    /** {@code generation}: the database's generation that asked for the restore (with the backup id, the request's token). */
    public RestorePlan restorePlan(String databaseId, String backupId, long generation) {
        Optional<Database> db = databases.findById(databaseId);
        if (db.isEmpty()) {
            return new GiveUp("the database is gone", false);
        }
        Database d = db.get();
        boolean fatal = !d.everReady();
        if (d.safetyBackupId() != null) {
            Backup safety = backups.findById(d.safetyBackupId()).orElse(null);
            if (safety == null || safety.status() == BackupStatus.FAILED) {
                return new GiveUp("restore from " + backupId + " not done: the safety backup " + d.safetyBackupId() + " failed"
                        + (safety == null ? "" : ": " + safety.error()) + "; the data was left as it was", false);
            }
            if (safety.status() != BackupStatus.COMPLETED) {
                return new Wait("taking safety backup " + safety.id() + " before restoring from " + backupId);
            }
        }
        Backup b = backups.findById(backupId).orElse(null);
        if (b != null && !b.status().finished() && !b.deletionRequested()) {
            // a branch (or a branch's reset) waits for the backup of its parent's present
            return new Wait("taking backup " + b.id() + " of database " + b.databaseId() + " to copy its data");
        }
        if (b == null || b.status() != BackupStatus.COMPLETED || b.deletionRequested()) {
            String why = b != null && b.status() == BackupStatus.FAILED ? "the backup failed: " + b.error() : "the backup is no longer there";
            return new GiveUp(fatal ? "the database could not be given its data (from backup " + backupId + "): " + why
                    + "; delete it and try again" : "restore from " + backupId + " not done: " + why, fatal);
        }
        // the source database, when it is still there: a point-in-time restore makes its archive reach the present first
        InstanceSpec source = d.restorePointInTime() == null ? null : databases.findById(b.databaseId())
                .filter(s -> !s.deletionRequested() && s.everReady())
                .map(s -> s.spec(secrets.open(s.passwordSealed()), secrets.open(s.adminPasswordSealed())))
                .orElse(null);
        String token = backupId + "@" + generation + (d.restorePointInTime() == null ? "" : "@" + d.restorePointInTime());
        return new Go(new RestoreJob(b.id(), b.databaseId(), b.location(), secrets.open(b.keySealed()), b.sourceUsername(),
                b.sourceDatabase(), storage, token, d.restorePointInTime(), source));
    }

    public void restoreFinished(String databaseId, String backupId, String reason) {
        databases.findById(databaseId).ifPresent(d -> {
            Instant target = d.restorePointInTime();
            boolean newBranch = d.parentId() != null && !d.everReady();
            boolean pending = backupId.equals(d.restoreBackupId());
            d.restoreFinished(backupId, reason, Instant.now());
            // a new branch's first restore is its making (database.branched on the parent tells of it)
            if (pending && reason == null && !newBranch) {
                events.record(dev.strata.domain.event.EventType.DATABASE_RESTORED, d.workspaceId(), d.projectId(), d.id(), backupId,
                        "Database " + d.name() + " was restored from backup " + backupId
                                + (target == null ? "" : " to " + target.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                        dev.strata.domain.event.EventData.builder().put("backupId", backupId)
                                .put("targetTime", target == null ? null : target.toString()).build());
            }
        });
    }
}
