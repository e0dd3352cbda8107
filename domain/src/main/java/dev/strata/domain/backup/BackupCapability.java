package dev.strata.domain.backup;

import dev.strata.domain.database.InstanceSpec;

/**
 * Capability of an engine driver that can back up and restore its databases (an optional part of the driver SPI,
 * like {@link dev.strata.domain.database.QuickLiveness}): the reconciler and the backup runner ask for it and never
 * special-case an engine. Every method is idempotent and safe to repeat after a crash of the control plane.
 */
public interface BackupCapability {

    /**
     * Takes a backup of the database into the repository and checks it (the tool's verify or a read-back of its
     * checksum) before returning. A sleeping database is backed up from its files without starting its server.
     *
     * @throws IllegalStateException with a message a user can read when it fails
     */
    TakenBackup backup(InstanceSpec spec, BackupJob job);

    /**
     * Makes the target's data the backup's: for a new database before its server first starts, for an existing one
     * in place (its server is stopped by the driver, the old data kept aside until the restored data is whole, so
     * a crash leaves one or the other, never a mix). The server is left stopped; ensureRunning starts it.
     */
    void restore(InstanceSpec target, RestoreJob job);

    /** Removes one backup's files from the repository; a no-op when they are gone. */
    void deleteBackup(RestoreJob backup);

    /**
     * Why this driver cannot back up, restore or branch any database here (a setting it needs is missing, or the
     * software it drives has no backups at all), in words a user can act on; null when it can. The backup API asks
     * before accepting a request and answers 422 with it, so that nothing is accepted that can only fail later.
     */
    default String backupsUnavailable() {
        return null;
    }

    /**
     * Why this driver cannot restore an existing database in place (a restore, a point-in-time restore or a branch's
     * reset onto its own data), while it can restore into a new database; null when it can. Asked by the backup API
     * like {@link #backupsUnavailable()}.
     */
    default String inPlaceRestoreUnavailable() {
        return null;
    }

    /**
     * What a driver needs to take one backup: its id, the database's backup key, the repository, and how many days
     * the database's backups are kept (for tools that prune the repository themselves).
     */
    record BackupJob(String backupId, String key, BackupRepositoryAccess repository, int retentionDays) {
        @Override
        public String toString() {
            return "BackupJob[" + backupId + "]";
        }
    }

    /**
     * What was stored: where the tool put it (a set label, an object key), its size in the repository, and whether it
     * is a base for point-in-time restores (the engine's continuous archive goes on from it: WAL, binlogs).
     */
    record TakenBackup(String location, long sizeBytes, boolean pointInTimeBase) {
        public TakenBackup(String location, long sizeBytes) {
            this(location, sizeBytes, false);
        }
    }

    /**
     * One stored backup, for a restore or a deletion. {@code token} names one restore request (a driver records it
     * when done, so that a repeated call after a crash does not restore twice); null for a deletion.
     * {@code pointInTime}: replay the continuous archive from the backup up to this instant (null: the backup as it
     * is). {@code source}: the source database when it still exists (a driver closes its current archive segment so
     * that the archive reaches the present), else null.
     */
    record RestoreJob(String backupId, String sourceDatabaseId, String location, String key, String sourceUsername,
                      String sourceDatabase, BackupRepositoryAccess repository, String token, java.time.Instant pointInTime,
                      dev.strata.domain.database.InstanceSpec source) {
        @Override
        public String toString() {
            return "RestoreJob[" + backupId + " of " + sourceDatabaseId + "]";
        }
    }
}
