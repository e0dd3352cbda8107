package dev.strata.domain.backup;

import dev.strata.domain.shared.InvalidInputException;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * When a database is backed up and how long its backups are kept, plus the database's backup key (sealed by the
 * master key). Every database has one, made with the defaults (daily at 03:00 UTC, kept 7 days) the first time it
 * is needed. The schedule is a standard 5-field cron expression in UTC, checked by the application service (the
 * domain keeps no cron parser); {@link #nextRunAt} is when the scheduler takes the next scheduled backup.
 */
@Entity
@Table(name = "strata_backup_policy")
public class BackupPolicy {

    public static final String DEFAULT_SCHEDULE = "0 3 * * *";
    public static final int DEFAULT_RETENTION_DAYS = 7;
    public static final int MIN_RETENTION_DAYS = 1;
    public static final int MAX_RETENTION_DAYS = 365;

    @Id
    @Column(name = "database_id", length = 40)
    private String databaseId;

    @Version
    private long version;

    @Column(name = "workspace_id", nullable = false, length = 40)
    private String workspaceId;

    @Column(nullable = false)
    private boolean enabled;

    @Column(nullable = false, length = 120)
    private String schedule;

    @Column(name = "retention_days", nullable = false)
    private int retentionDays;

    @Column(name = "key_sealed", nullable = false, length = 512)
    private String keySealed;

    @Column(name = "next_run_at")
    private Instant nextRunAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected BackupPolicy() {
    }

    public static BackupPolicy defaults(String databaseId, String workspaceId, String keySealed, Instant nextRunAt, Instant now) {
        BackupPolicy p = new BackupPolicy();
        p.databaseId = databaseId;
        p.workspaceId = workspaceId;
        p.enabled = true;
        p.schedule = DEFAULT_SCHEDULE;
        p.retentionDays = DEFAULT_RETENTION_DAYS;
        p.keySealed = keySealed;
        p.nextRunAt = nextRunAt;
        p.updatedAt = now;
        return p;
    }

    /** Replaces the policy; {@code schedule} was validated (and {@code nextRunAt} computed from it) by the caller. */
    public void change(boolean enabled, String schedule, int retentionDays, Instant nextRunAt, Instant now) {
        requireRetention(retentionDays);
        this.enabled = enabled;
        this.schedule = schedule;
        this.retentionDays = retentionDays;
        this.nextRunAt = nextRunAt;
        this.updatedAt = now;
    }

    /** The scheduler took the backup that was due; the next one is at {@code next}. */
    public void scheduled(Instant next) {
        this.nextRunAt = next;
    }

    public static void requireRetention(int days) {
        if (days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
            throw new InvalidInputException("retentionDays", "retentionDays must be between " + MIN_RETENTION_DAYS + " and "
                    + MAX_RETENTION_DAYS + " (got " + days + ")");
        }
    }

    public String databaseId() { return databaseId; }
    public String workspaceId() { return workspaceId; }
    public boolean enabled() { return enabled; }
    public String schedule() { return schedule; }
    public int retentionDays() { return retentionDays; }
    public String keySealed() { return keySealed; }
    public Instant nextRunAt() { return nextRunAt; }
    public Instant updatedAt() { return updatedAt; }
}
