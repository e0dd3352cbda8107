package dev.strata.domain.backup;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: where backup records and policies are kept. */
public interface BackupRepository {

    Optional<Backup> find(String workspaceId, String id);

    Optional<Backup> findById(String id);

    /** A workspace's backups, newest first; {@code databaseId} and {@code status} narrow it when not null. */
    List<Backup> list(String workspaceId, String databaseId, BackupStatus status, int offset, int limit);

    long count(String workspaceId, String databaseId, BackupStatus status);

    /** Ids of backups in {@code status}, oldest first (the runner's work list). */
    List<String> idsWithStatus(BackupStatus status);

    /** Ids of backups marked for deletion, oldest first. */
    List<String> deletionsPending();

    /** Finished backups whose retention ended before {@code now}, oldest first. */
    List<Backup> expired(Instant now);

    /** The database's newest completed backup. */
    Optional<Backup> newestCompleted(String databaseId);

    /** Whether the database has a backup that is pending or running. */
    boolean inProgress(String databaseId);

    /** The database's completed backups that are kept (not marked for deletion), newest first. */
    List<Backup> completedOf(String databaseId);

    void add(Backup backup);

    void remove(Backup backup);

    Optional<BackupPolicy> policy(String databaseId);

    /** Policies whose next scheduled backup is due at {@code now}. */
    List<BackupPolicy> duePolicies(Instant now);

    void add(BackupPolicy policy);

    void remove(BackupPolicy policy);
}
