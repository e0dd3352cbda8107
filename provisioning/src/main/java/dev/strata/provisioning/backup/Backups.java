package dev.strata.provisioning.backup;

import dev.strata.domain.backup.Backup;
import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.backup.BackupPolicy;
import dev.strata.domain.backup.BackupRepository;
import dev.strata.domain.backup.BackupStatus;
import dev.strata.domain.backup.BackupTrigger;
import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabaseRepository;
import dev.strata.domain.database.DatabaseStatus;
import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.Ids;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.shared.Shown;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.database.DatabaseChanged;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.workspace.Workspaces;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import dev.strata.domain.backup.CloneCapability;
import dev.strata.domain.backup.PointInTimeCapability;
import dev.strata.domain.backup.RecoveryWindow;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Backups as users see them: the policy of a database, backups on demand, the lists, deletion, and restores (into a
 * new database, or in place after a safety backup). Taking, pruning and reconciling backups is the
 * {@link BackupRunner}'s; a restore is carried out by the reconciler, like any change of a database.
 */
@Stateless
public class Backups {

    public static final int DEFAULT_LIMIT = dev.strata.domain.shared.PageRequest.DEFAULT_LIMIT;
    public static final int MAX_LIMIT = dev.strata.domain.shared.PageRequest.MAX_LIMIT;

    @Inject
    BackupRepository backups;

    @Inject
    DatabaseRepository databaseRows;

    @Inject
    Databases databases;

    @Inject
    Workspaces workspaces;

    @Inject
    EngineDrivers drivers;

    @Inject
    SecretBox secrets;

    @Inject
    Event<BackupRequested> requested;

    @Inject
    Event<DatabaseChanged> changed;

    @Inject
    dev.strata.provisioning.event.EventLog events;

    public record Page(List<Backup> items, long total, int page, int limit) {
        public int totalPages() {
            return (int) Math.max(1, (total + limit - 1) / limit);
        }
    }

    /** The database's policy, made with the defaults the first time it is asked for. */
    public BackupPolicy policy(Caller caller, String wsId, String dbId) {
        return policyOf(databases.find(caller, wsId, dbId));
    }

    /** The policy of {@code db}, made with the defaults (and a new backup key) when it has none yet. */
    public BackupPolicy policyOf(Database db) {
        return backups.policy(db.id()).orElseGet(() -> {
            Instant now = Instant.now();
            BackupPolicy p = BackupPolicy.defaults(db.id(), db.workspaceId(), secrets.seal(SecretBox.randomPassword(48)),
                    Schedules.next(BackupPolicy.DEFAULT_SCHEDULE, now), now);
            backups.add(p);
            return p;
        });
    }

    public BackupPolicy changePolicy(Caller caller, String wsId, String dbId, Boolean enabled, String schedule, Integer retentionDays) {
        Database db = databases.find(caller, wsId, dbId);
        List<FieldError> errors = new ArrayList<>();
        String cron = null;
        if (schedule != null) {
            try {
                cron = Schedules.valid(schedule);
            } catch (InvalidInputException e) {
                errors.addAll(e.errors());
            }
        }
        if (retentionDays != null) {
            try {
                BackupPolicy.requireRetention(retentionDays);
            } catch (InvalidInputException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid", errors);
        }
        // a field left out keeps its value
        BackupPolicy p = policyOf(db);
        boolean on = enabled == null ? p.enabled() : enabled;
        String sched = cron == null ? p.schedule() : cron;
        int days = retentionDays == null ? p.retentionDays() : retentionDays;
        Instant now = Instant.now();
        p.change(on, sched, days, on ? Schedules.next(sched, now) : null, now);
        return p;
    }

    /** A backup on demand (202): taken by the runner from now on. */
    public Backup request(Caller caller, String wsId, String dbId) {
        Database db = databases.findForChange(caller, wsId, dbId);
        requireBackupable(db);
        return start(db, BackupTrigger.MANUAL);
    }

    /** A new pending backup of {@code db} (no checks: the caller made them). */
    public Backup start(Database db, BackupTrigger trigger) {
        Backup b = Backup.request(db, trigger, policyOf(db), Instant.now());
        backups.add(b);
        requested.fire(new BackupRequested(b.id()));
        return b;
    }

    /** An in-place restore waits until the branches being copied from the database's files have their copy. */
    private void requireNotBeingCloned(Database db) {
        if (databaseRows.beingCloned(db.id())) {
            throw new ConflictException("a branch of database " + db.id() + " is being copied from its files; restore it once the branch is ready");
        }
    }

    private void requireBackupable(Database db) {
        capability(db.engine(), "engine", db.engine().wireName() + " databases cannot be backed up by this driver yet");
        DatabaseStatus s = db.status();
        if (s == DatabaseStatus.DELETING || s == DatabaseStatus.PROVISIONING || db.restoreBackupId() != null) {
            throw new ConflictException("the database is " + s.wireName() + (db.restoreBackupId() != null ? " (a restore is under way)" : "")
                    + "; it can be backed up once it is ready or sleeping");
        }
    }

    public Page listOfDatabase(Caller caller, String wsId, String dbId, String page, String limit) {
        Database db = databases.find(caller, wsId, dbId);
        return page(wsId, db.id(), null, page, limit);
    }

    public Page list(Caller caller, String wsId, String databaseId, String status, String page, String limit) {
        workspaces.get(caller, wsId);
        BackupStatus st = null;
        List<FieldError> errors = new ArrayList<>();
        if (status != null && !status.isEmpty()) {
            try {
                st = BackupStatus.parse("status", status);
            } catch (InvalidInputException e) {
                errors.addAll(e.errors());
            }
        }
        String db = databaseId == null || databaseId.isEmpty() ? null : databaseId.trim();
        if (db != null && !Ids.looksLike(Database.ID_PREFIX, db)) {
            errors.add(new FieldError("databaseId", "databaseId must be a database id such as db_01h… (got " + Shown.quoted(databaseId) + ")"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid", errors);
        }
        return page(wsId, db, st, page, limit);
    }

    private Page page(String wsId, String dbId, BackupStatus status, String pageRaw, String limitRaw) {
        List<FieldError> errors = new ArrayList<>();
        dev.strata.domain.shared.PageRequest paging = dev.strata.domain.shared.PageRequest.parse(pageRaw, limitRaw, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid", errors);
        }
        return new Page(backups.list(wsId, dbId, status, paging.offset(), paging.limit()), backups.count(wsId, dbId, status),
                paging.page(), paging.limit());
    }

    public Backup get(Caller caller, String wsId, String bkpId) {
        workspaces.get(caller, wsId);
        return find(wsId, bkpId);
    }

    private Backup find(String wsId, String bkpId) {
        if (!Ids.looksLike(Backup.ID_PREFIX, bkpId)) {
            throw new NotFoundException("backup", Shown.text(bkpId));
        }
        return backups.find(wsId, bkpId).orElseThrow(() -> new NotFoundException("backup", bkpId));
    }

    /**
     * Deletes a finished backup: its record now, its files by the runner (a pending one is simply dropped). A running
     * backup, and the backup an in-place restore is using, cannot be deleted (409).
     */
    public void delete(Caller caller, String wsId, String bkpId) {
        workspaces.get(caller, wsId);
        Backup b = find(wsId, bkpId);
        if (b.status() == BackupStatus.RUNNING) {
            throw new ConflictException("backup " + b.id() + " is running; delete it once it has finished");
        }
        databaseRows.findById(b.databaseId()).ifPresent(db -> {
            if (b.id().equals(db.restoreBackupId()) || b.id().equals(db.safetyBackupId())) {
                throw new ConflictException("backup " + b.id() + " is being used by a restore of database " + db.id());
            }
        });
        b.markForDeletion(Instant.now());
        requested.fire(new BackupRequested(b.id()));
    }

    /** A new database with the backup's data (201); works after the source database was deleted. */
    public Database restoreToNew(Caller caller, String wsId, String bkpId, String name, String slug) {
        workspaces.lockForChange(caller, wsId);
        Backup b = find(wsId, bkpId);
        b.requireRestorable();
        requireRestorer(b);
        Database db = databases.createFromBackup(caller, wsId, name, slug, b);
        return db;
    }

    /**
     * Replaces the database's data with the backup's (202): a safety backup ({@code pre-restore}) is taken first, and
     * the reconciler restores once it completed. The backup must be of this database's engine and version.
     */
    public Database restoreInPlace(Caller caller, String wsId, String dbId, String backupId) {
        if (backupId == null || backupId.isBlank()) {
            throw new InvalidInputException("backupId", "backupId (a backup to restore) or pointInTime (a moment to restore to) is required");
        }
        Database db = databases.findForChange(caller, wsId, dbId);
        return restoreAfterSafetyBackup(db, restorableInPlace(wsId, db, backupId), null);
    }

    /**
     * What {@link #restoreInPlace} would refuse, asked without changing anything (the dashboard's confirmation step):
     * the backup that would be restored, or the same exception the restore would throw.
     */
    public Backup checkRestoreInPlace(Caller caller, String wsId, String dbId, String backupId) {
        if (backupId == null || backupId.isBlank()) {
            throw new InvalidInputException("backupId", "backupId (a backup to restore) is required");
        }
        return restorableInPlace(wsId, databases.find(caller, wsId, dbId), backupId);
    }

    private Backup restorableInPlace(String wsId, Database db, String backupId) {
        Backup b;
        try {
            b = find(wsId, backupId.trim());
        } catch (NotFoundException e) {
            throw new UnprocessableException("backupId", "backup " + Shown.text(backupId) + " does not exist in this workspace");
        }
        b.requireRestorable();
        requireRestorer(b);
        if (b.engine() != db.engine() || !b.engineVersion().equals(db.engineVersion())) {
            throw new UnprocessableException("backupId", "backup " + b.id() + " is of " + b.engine().wireName() + " " + b.engineVersion()
                    + "; database " + db.id() + " runs " + db.engine().wireName() + " " + db.engineVersion());
        }
        requireRestorableInPlace(db);
        return b;
    }

    /** An in-place restore needs a backupable database that is not updating and is not being copied into a branch. */
    private void requireRestorableInPlace(Database db) {
        requireBackupable(db);
        requireInPlaceRestorer(db);
        requireNotBeingCloned(db);
        if (db.status() == DatabaseStatus.UPDATING) {
            throw new ConflictException("the database is updating; restore it once it is ready");
        }
    }

    /** Asks for the safety backup and for the restore of {@code source} (replayed up to {@code pointInTime} when not null). */
    private Database restoreAfterSafetyBackup(Database db, Backup source, Instant pointInTime) {
        Backup safety = start(db, BackupTrigger.PRE_RESTORE);
        db.requestRestore(source.id(), pointInTime, safety.id(), Instant.now());
        changed.fire(new DatabaseChanged(db.id()));
        return db;
    }

    private void requireRestorer(Backup b) {
        capability(b.engine(), "backupId", b.engine().wireName() + " backups cannot be restored by this driver");
    }

    /**
     * The backup capability of the driver of {@code engine}; 422 on {@code field} with {@code none} when it has
     * none, or with the driver's own reason when it cannot be used here ({@link BackupCapability#backupsUnavailable}).
     */
    private BackupCapability capability(dev.strata.domain.database.Engine engine, String field, String none) {
        if (!(drivers.forEngine(engine) instanceof BackupCapability capability)) {
            throw new UnprocessableException(field, none);
        }
        String unavailable = capability.backupsUnavailable();
        if (unavailable != null) {
            throw new UnprocessableException(field, unavailable);
        }
        return capability;
    }

    /** 422 when the driver of {@code db} restores only into new databases ({@link BackupCapability#inPlaceRestoreUnavailable}). */
    private void requireInPlaceRestorer(Database db) {
        String unavailable = capability(db.engine(), "engine", db.engine().wireName() + " databases cannot be restored by this driver")
                .inPlaceRestoreUnavailable();
        if (unavailable != null) {
            throw new UnprocessableException("engine", unavailable);
        }
    }

    // --- point in time and branches ---

    /** The moments {@code db} can be restored or branched to, as of now. */
    public RecoveryWindow recoveryWindow(Caller caller, String wsId, String dbId) {
        return windowOf(databases.find(caller, wsId, dbId), Instant.now());
    }

    /**
     * The recovery window of {@code db} at {@code now}. With a continuous archive: from the oldest kept base backup
     * (rounded up to a whole second, as timestamps are shown) to now, since a restore first makes the archive reach
     * the present. Without one: the moments of its completed backups.
     */
    public RecoveryWindow windowOf(Database db, Instant now) {
        List<Backup> done = backups.completedOf(db.id());
        List<Instant> snapshots = done.stream().map(Backup::completedAt).toList();
        Object driver = drivers.forEngine(db.engine());
        if (!(driver instanceof PointInTimeCapability pitr)) {
            return new RecoveryWindow(false, null, null, snapshots, db.engine().wireName() + " databases here have no continuous archive:"
                    + " they are restored and branched from their backups (snapshots) only, not to any moment"
                    + (snapshots.isEmpty() ? "; there is no completed backup yet" : ""));
        }
        List<Backup> bases = bases(db, done);
        if (bases.isEmpty()) {
            return new RecoveryWindow(true, null, null, snapshots, db.restoredAt() != null
                    ? "no base backup since the in-place restore of " + db.restoredAt() + ": moments after the next completed backup can be"
                    + " restored (POST .../backups takes one); earlier states are in the backups (snapshots)"
                    : "no base backup yet: any moment after the first completed backup taken while the database runs can be restored"
                    + " (POST .../backups takes one)");
        }
        Instant earliest = bases.get(bases.size() - 1).completedAt();
        Instant reported = reportedEarliest(pitr, db);
        if (reported != null && reported.isAfter(earliest)) {
            earliest = reported; // the engine's tooling pruned older bases itself
        }
        return new RecoveryWindow(true, earliest, now.isBefore(earliest) ? earliest : now, snapshots,
                "any moment from " + shownUp(earliest) + " to the present; changes reach the archive within "
                        + pitr.archiveInterval().toSeconds() + " s while the server runs");
    }

    /**
     * What the driver reads from the engine's own tooling as the earliest restorable moment; null when it has
     * nothing to say or cannot be asked now (the window then rests on Strata's records, as without it).
     */
    private static Instant reportedEarliest(PointInTimeCapability pitr, Database db) {
        try {
            return pitr.earliestRecoverable(db.spec(null, null)).orElse(null);
        } catch (RuntimeException unreachable) {
            return null;
        }
    }

    /**
     * The bases for point-in-time restores among {@code completed} (newest first): backups the archive goes on from,
     * taken after the database's last in-place restore (the archive before it leads to the other history).
     */
    private static List<Backup> bases(Database db, List<Backup> completed) {
        return completed.stream().filter(Backup::pointInTimeBase)
                .filter(b -> db.restoredAt() == null || !b.startedAt().isBefore(db.restoredAt())).toList();
    }

    /**
     * An instant as the API shows times (whole seconds), rounded up: a window's start shown this way is inside the
     * window, so a client may send it back as it is.
     */
    public static Instant shownUp(Instant t) {
        Instant floor = t.truncatedTo(ChronoUnit.SECONDS);
        return floor.equals(t) ? t : floor.plusSeconds(1);
    }

    /** A point in time as RFC 3339 ({@code 2026-12-02T10:15:30Z}, an offset, fractions allowed); 400 otherwise. */
    public static Instant parsePointInTime(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("pointInTime", "pointInTime is required");
        }
        try {
            return OffsetDateTime.parse(text.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("pointInTime", "pointInTime must be an RFC 3339 time such as 2026-12-02T10:15:30Z (got "
                    + Shown.quoted(text) + ")");
        }
    }

    /** The base backup to replay from to reach {@code t}: the newest base completed at or before it; 422 naming the window otherwise. */
    private Backup baseFor(Database db, Instant t, Instant now) {
        RecoveryWindow w = windowOf(db, now);
        if (!w.pointInTime()) {
            throw new UnprocessableException("pointInTime", w.message() + "; restore one of its backups instead (backupId)");
        }
        if (w.earliest() == null) {
            throw new UnprocessableException("pointInTime", "pointInTime " + t + " is outside the recovery window of database " + db.id()
                    + ": " + w.message());
        }
        if (!w.contains(t)) {
            throw new UnprocessableException("pointInTime", "pointInTime " + t + " is outside the recovery window of database " + db.id()
                    + ", which is " + shownUp(w.earliest()) + " to " + w.latest().truncatedTo(ChronoUnit.SECONDS));
        }
        return bases(db, backups.completedOf(db.id())).stream().filter(b -> !b.completedAt().isAfter(t))
                .findFirst()
                .orElseThrow(() -> new UnprocessableException("pointInTime", "pointInTime " + t + " is outside the recovery window of database "
                        + db.id() + ", which is " + shownUp(w.earliest()) + " to " + w.latest().truncatedTo(ChronoUnit.SECONDS)));
    }

    /**
     * Replaces the database's data with its state at {@code pointInTime} (202): a safety backup first, then the base
     * backup before that moment replayed up to it.
     */
    public Database restoreInPlaceAt(Caller caller, String wsId, String dbId, String pointInTime) {
        Instant t = parsePointInTime(pointInTime);
        Database db = databases.findForChange(caller, wsId, dbId);
        requireRestorableInPlace(db);
        return restoreAfterSafetyBackup(db, baseFor(db, t, Instant.now()), t);
    }

    /**
     * What {@link #restoreInPlaceAt} would refuse, asked without changing anything (the dashboard's confirmation
     * step): the moment, parsed, or the same exception the restore would throw.
     */
    public Instant checkRestoreInPlaceAt(Caller caller, String wsId, String dbId, String pointInTime) {
        Instant t = parsePointInTime(pointInTime);
        Database db = databases.find(caller, wsId, dbId);
        requireRestorableInPlace(db);
        baseFor(db, t, Instant.now());
        return t;
    }

    /**
     * A branch of a database (201): a new database with the parent's data at {@code pointInTime} (a base backup
     * replayed up to it), or, when omitted, at the present (a backup of the parent taken now, which for an engine
     * without a continuous archive is the snapshot the issue speaks of).
     */
    public Database branch(Caller caller, String wsId, String parentId, String name, String slug, String pointInTime) {
        return branched(makeBranch(caller, wsId, parentId, name, slug, pointInTime));
    }

    /**
     * A branch of a database made from one of its completed backups (201): the data as that backup holds it, its
     * branch point the moment the backup completed. Works for every engine that restores backups, with or without a
     * continuous archive.
     */
    public Database branchFromBackup(Caller caller, String wsId, String parentId, String name, String slug, String backupId) {
        if (backupId == null || backupId.isBlank()) {
            throw new InvalidInputException("backupId", "backupId (a backup of the database to branch from) is required");
        }
        Database parent = databases.findForChange(caller, wsId, parentId);
        if (parent.deletionRequested()) {
            throw new ConflictException("database " + parent.id() + " is being deleted; it cannot be branched");
        }
        Backup b;
        try {
            b = find(wsId, backupId.trim());
        } catch (NotFoundException e) {
            throw new UnprocessableException("backupId", "backup " + Shown.text(backupId) + " does not exist in this workspace");
        }
        if (!b.databaseId().equals(parent.id())) {
            throw new UnprocessableException("backupId", "backup " + b.id() + " is of database " + b.databaseId() + ", not of " + parent.id());
        }
        b.requireRestorable();
        requireRestorer(b);
        if (!b.engineVersion().equals(parent.engineVersion())) {
            throw new UnprocessableException("backupId", "backup " + b.id() + " is of " + b.engine().wireName() + " " + b.engineVersion()
                    + "; database " + parent.id() + " runs " + parent.engineVersion());
        }
        Database db = databases.createBranch(caller, wsId, parent, name, slug, b.completedAt(),
                "branch of " + parent.id() + ": made from its backup " + b.id());
        db.restoreFrom(b.id(), null);
        return branched(db);
    }

    /** Records on the parent that {@code branch} was made. */
    private Database branched(Database branch) {
        Database parent = databaseRows.findById(branch.parentId()).orElseThrow();
        events.record(dev.strata.domain.event.EventType.DATABASE_BRANCHED, parent, "Database " + parent.name() + " was branched into "
                        + branch.name() + " (" + branch.id() + ") at " + branch.branchPoint().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                dev.strata.domain.event.EventData.builder().put("branchId", branch.id())
                        .put("branchPoint", branch.branchPoint().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).build());
        return branch;
    }

    private Database makeBranch(Caller caller, String wsId, String parentId, String name, String slug, String pointInTime) {
        Instant t = pointInTime == null ? null : parsePointInTime(pointInTime);
        Database parent = databases.findForChange(caller, wsId, parentId);
        if (parent.deletionRequested()) {
            throw new ConflictException("database " + parent.id() + " is being deleted; it cannot be branched");
        }
        capability(parent.engine(), "engine", parent.engine().wireName() + " databases cannot be branched by this driver yet");
        if (!parent.everReady()) {
            throw new ConflictException("database " + parent.id() + " is " + parent.status().wireName()
                    + "; it can be branched once it has been ready");
        }
        Instant now = Instant.now();
        if (t != null) {
            Backup base = baseFor(parent, t, now);
            Database db = databases.createBranch(caller, wsId, parent, name, slug, t,
                    "branch of " + parent.id() + " at " + t + ": base backup " + base.id() + " and the archive replayed up to that moment");
            db.restoreFrom(base.id(), t);
            return db;
        }
        if (drivers.forEngine(parent.engine()) instanceof CloneCapability && parent.restoreBackupId() == null
                && (parent.status() == DatabaseStatus.READY || parent.status() == DatabaseStatus.SLEEPING)) {
            // straight from the parent's files: no backup, in seconds where the file system clones files
            Database db = databases.createBranch(caller, wsId, parent, name, slug, now, "branch of " + parent.id() + ": copying its files");
            db.cloneFrom(parent);
            return db;
        }
        requireBackupable(parent);
        // a refusal below (a bad name, a slug taken) rolls the backup back with the rest: nothing is created
        Backup present = start(parent, BackupTrigger.BRANCH);
        Database db = databases.createBranch(caller, wsId, parent, name, slug, now,
                "branch of " + parent.id() + ": made from its backup " + present.id() + " (taken for it)");
        db.restoreFrom(present.id(), null);
        return db;
    }

    /** The branches of a database. */
    public List<Database> branches(Caller caller, String wsId, String dbId) {
        return databases.branches(caller, wsId, dbId);
    }

    /**
     * Brings a branch back to its parent's present (202), keeping its own credentials: a safety backup of the branch,
     * a backup of the parent, then an in-place restore of that backup.
     */
    public Database reset(Caller caller, String wsId, String dbId) {
        Database db = databases.findForChange(caller, wsId, dbId);
        if (db.parentId() == null) {
            throw new UnprocessableException("database " + db.id() + " is not a branch; only a branch is reset from its parent");
        }
        Database parent = databaseRows.findById(db.parentId()).filter(p -> !p.deletionRequested()).orElseThrow(() ->
                new UnprocessableException("the parent " + db.parentId() + " of branch " + db.id() + " was deleted; there is nothing to reset from"));
        requireBackupable(db);
        requireInPlaceRestorer(db);
        requireNotBeingCloned(db);
        if (db.status() == DatabaseStatus.UPDATING) {
            throw new ConflictException("the database is updating; reset it once it is ready");
        }
        try {
            requireBackupable(parent);
        } catch (ConflictException e) {
            throw new ConflictException("the parent " + parent.id() + " cannot be copied now: " + e.getMessage());
        }
        Backup source = start(parent, BackupTrigger.BRANCH);
        Backup safety = start(db, BackupTrigger.PRE_RESTORE);
        db.resetToParent(source.id(), safety.id(), Instant.now());
        changed.fire(new DatabaseChanged(db.id()));
        return db;
    }
}
