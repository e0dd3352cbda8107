package dev.strata.domain.project;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/** A project of a workspace; its databases and buckets share its lifecycle (sleep, teardown). */
@Entity
@Table(name = "strata_project")
public class Project extends WorkspaceOwned {

    public static final String ID_PREFIX = "proj";

    @Column(nullable = false, length = 200)
    private String name;

    private long generation;

    @Column(name = "sleep_requested", nullable = false)
    private boolean sleepRequested;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    /** Set when the project's deletion was requested (acknowledged): gone for users, torn down in the background. */
    @Column(name = "deleting_since")
    private Instant deletingSince;

    /** Most bytes the project's buckets may hold (every version and unfinished upload counted); null: no limit. */
    @Column(name = "storage_quota_bytes")
    private Long storageQuotaBytes;

    /** Most objects (versions counted) the project's buckets may hold; null: no limit. */
    @Column(name = "storage_quota_objects")
    private Long storageQuotaObjects;

    /**
     * The database the user chose for {@code DATABASE_URL}, or null for the default (the oldest PostgreSQL, else the
     * oldest database). Only a reference: a database deleted since falls back to the default.
     */
    @Column(name = "primary_database_id", length = 40)
    private String primaryDatabaseId;

    /** Minutes without client connections after which a database of the project sleeps by itself; null or 0: never. */
    @Column(name = "auto_sleep_minutes")
    private Integer autoSleepMinutes;

    /** The longest idle time {@code autoSleepMinutes} accepts: a week. */
    public static final int MAX_AUTO_SLEEP_MINUTES = 10_080;

    protected Project() {
    }

    /** Minutes without clients before a database of the project sleeps by itself; 0: never. */
    public int autoSleepMinutes() {
        return autoSleepMinutes == null ? 0 : autoSleepMinutes;
    }

    /** Sets the idle time after which the project's databases sleep by themselves (0: never). */
    public void sleepWhenIdleFor(int minutes, Instant now) {
        if (minutes < 0 || minutes > MAX_AUTO_SLEEP_MINUTES) {
            throw new dev.strata.domain.shared.InvalidInputException("autoSleepMinutes",
                    "autoSleepMinutes must be a whole number from 0 (never) to " + MAX_AUTO_SLEEP_MINUTES + " (got " + minutes + ")");
        }
        if (autoSleepMinutes() != minutes) {
            autoSleepMinutes = minutes;
            updatedAt = now;
        }
    }

    /** The chosen primary database's id, or null when none is chosen. */
    public String primaryDatabaseId() {
        return primaryDatabaseId;
    }

    /** Chooses the database {@code DATABASE_URL} points at; null returns to the default rule. */
    public void choosePrimaryDatabase(String databaseId, Instant now) {
        if (!java.util.Objects.equals(primaryDatabaseId, databaseId)) {
            primaryDatabaseId = databaseId;
            updatedAt = now;
        }
    }

    /** Forgets the choice if it names {@code databaseId} (being deleted): the default rule applies again. */
    public void forgetPrimaryDatabase(String databaseId, Instant now) {
        if (databaseId.equals(primaryDatabaseId)) {
            choosePrimaryDatabase(null, now);
        }
    }

    public dev.strata.domain.storage.StorageQuota storageQuota() {
        return new dev.strata.domain.storage.StorageQuota(storageQuotaBytes, storageQuotaObjects);
    }

    public void limitStorage(dev.strata.domain.storage.StorageQuota quota, Instant now) {
        storageQuotaBytes = quota.maxBytes();
        storageQuotaObjects = quota.maxObjects();
        updatedAt = now;
    }

    public static Project create(String workspaceId, String name, Instant now) {
        Project p = new Project();
        p.identify(ID_PREFIX, workspaceId, now);
        p.name = name;
        p.generation = 1;
        p.updatedAt = now;
        return p;
    }

    /** The project sleeps: its databases stop (data kept); buckets stay live. */
    public void sleep(Instant now) {
        if (!sleepRequested) {
            sleepRequested = true;
            generation++;
            updatedAt = now;
        }
    }

    public void wake(Instant now) {
        if (sleepRequested) {
            sleepRequested = false;
            generation++;
            updatedAt = now;
        }
    }

    /**
     * The project is deleted for its users from now on; its databases, buckets and object store namespace are
     * removed by the reconciler, then the project itself.
     */
    public void requestDeletion(Instant now) {
        if (deletingSince == null) {
            deletingSince = now;
            generation++;
            updatedAt = now;
        }
    }

    public boolean deleting() {
        return deletingSince != null;
    }

    public boolean sleeping() {
        return sleepRequested;
    }

    public String name() {
        return name;
    }

    public long generation() {
        return generation;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
