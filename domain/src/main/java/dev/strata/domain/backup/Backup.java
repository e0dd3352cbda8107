package dev.strata.domain.backup;

import dev.strata.domain.database.Database;
import dev.strata.domain.database.Engine;
import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One backup of one database, stored in the backup repository. It belongs to its database's workspace and outlives
 * the database until {@link #expiresAt} (the retention in force when it completed); what it needs for a restore
 * after the database is gone (engine, version, the source's application user and database, the sealed key) is
 * copied here when it is taken. Status: {@code pending → running → completed | failed}, set only by the intent
 * methods below.
 */
@Entity
@Table(name = "strata_backup", indexes = {
        @Index(name = "ix_backup_workspace", columnList = "workspace_id, id"),
        @Index(name = "ix_backup_database", columnList = "database_id, id")})
public class Backup extends WorkspaceOwned {

    public static final String ID_PREFIX = "bkp";

    @Column(name = "database_id", nullable = false, length = 40)
    private String databaseId;

    @Column(name = "project_id", length = 40)
    private String projectId;

    /** The database's name and slug when the backup was taken (shown after it is deleted). */
    @Column(name = "database_name", nullable = false, length = 200)
    private String databaseName;

    @Column(name = "database_slug", nullable = false, length = 63)
    private String databaseSlug;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private Engine engine;

    @Column(name = "engine_version", nullable = false, length = 20)
    private String engineVersion;

    @Enumerated(EnumType.STRING)
    @Column(name = "backup_trigger", nullable = false, length = 20)
    private BackupTrigger trigger;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private BackupStatus status;

    @Column(name = "size_bytes")
    private Long sizeBytes;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "completed_at")
    private Instant completedAt;

    @Column(length = 2000)
    private String error;

    /** Where the engine's tool put it in the repository (a pgBackRest set label, an object key); set when completed. */
    @Column(length = 400)
    private String location;

    /** The source's application user and database name (a restore into a new database renames them). */
    @Column(name = "source_username", length = 63)
    private String sourceUsername;

    @Column(name = "source_database", length = 63)
    private String sourceDatabase;

    /** The database's backup key, sealed by the master key (kept here: the policy goes with the database). */
    @Column(name = "key_sealed", nullable = false, length = 512)
    private String keySealed;

    @Column(name = "retention_days", nullable = false)
    private int retentionDays;

    @Column(name = "expires_at")
    private Instant expiresAt;

    /** A user deleted it (or its retention ended): hidden from then on; the runner removes its files, then the record. */
    @Column(name = "deletion_requested", nullable = false)
    private boolean deletionRequested;

    /** Whether the engine's continuous archive (WAL, binlogs) goes on from it: a base for point-in-time restores. Null: no. */
    @Column(name = "pitr_base")
    private Boolean pointInTimeBase;

    /** How many times the control plane started running it (a restart during a run counts). */
    @Column(nullable = false)
    private int attempts;

    protected Backup() {
    }

    public static Backup request(Database db, BackupTrigger trigger, BackupPolicy policy, Instant now) {
        Backup b = new Backup();
        b.identify(ID_PREFIX, db.workspaceId(), now);
        b.databaseId = db.id();
        b.projectId = db.projectId();
        b.databaseName = db.name();
        b.databaseSlug = db.slug().value();
        b.engine = db.engine();
        b.engineVersion = db.engineVersion();
        b.trigger = trigger;
        b.status = BackupStatus.PENDING;
        b.sourceUsername = db.username();
        b.sourceDatabase = db.databaseName();
        b.keySealed = policy.keySealed();
        b.retentionDays = policy.retentionDays();
        return b;
    }

    /** The runner starts (or, after a restart of the control plane, restarts) the backup. */
    public void start(Instant now) {
        if (status.finished()) {
            throw new ConflictException("backup " + id() + " is " + status.wireName() + " already");
        }
        status = BackupStatus.RUNNING;
        startedAt = now;
        attempts++;
    }

    /** Completed and checked; kept for {@code retentionDays} days of {@code day} (a day, but for tests). */
    public void complete(String location, long sizeBytes, boolean pointInTimeBase, Instant now, java.time.Duration day) {
        status = BackupStatus.COMPLETED;
        this.pointInTimeBase = pointInTimeBase;
        this.location = location;
        this.sizeBytes = sizeBytes;
        this.error = null;
        completedAt = now;
        expiresAt = now.plus(day.multipliedBy(retentionDays));
    }

    public void fail(String reason, Instant now, java.time.Duration day) {
        status = BackupStatus.FAILED;
        error = reason == null ? "failed" : reason.length() > 2000 ? reason.substring(0, 1997) + "..." : reason;
        completedAt = now;
        expiresAt = now.plus(day.multipliedBy(retentionDays));
    }

    /** Hides the backup; the runner removes its files and then this record. A pending one is never started. */
    public void markForDeletion(Instant now) {
        deletionRequested = true;
    }

    public boolean deletionRequested() { return deletionRequested; }

    /** A restore needs a completed backup. */
    public void requireRestorable() {
        if (status != BackupStatus.COMPLETED) {
            throw new ConflictException("backupId", "backup " + id() + " is " + status.wireName() + "; only a completed backup can be restored");
        }
    }

    public String databaseId() { return databaseId; }
    public String projectId() { return projectId; }
    public String databaseName() { return databaseName; }
    public String databaseSlug() { return databaseSlug; }
    public Engine engine() { return engine; }
    public String engineVersion() { return engineVersion; }
    public BackupTrigger trigger() { return trigger; }
    public BackupStatus status() { return status; }
    public Long sizeBytes() { return sizeBytes; }
    public Instant startedAt() { return startedAt; }
    public Instant completedAt() { return completedAt; }
    public String error() { return error; }
    public String location() { return location; }
    public String sourceUsername() { return sourceUsername; }
    public String sourceDatabase() { return sourceDatabase; }
    public String keySealed() { return keySealed; }
    public int retentionDays() { return retentionDays; }
    public Instant expiresAt() { return expiresAt; }
    public int attempts() { return attempts; }
    public boolean pointInTimeBase() { return Boolean.TRUE.equals(pointInTimeBase); }
}
