package dev.strata.domain.backup;

import dev.strata.domain.database.InstanceSpec;

/**
 * Capability of a {@link PointInTimeCapability} driver whose servers do not push their archive themselves
 * (MariaDB's binary logs, unlike PostgreSQL's {@code archive_command}): Strata's backup runner calls it every
 * {@link PointInTimeCapability#archiveInterval()} for each database that has a base backup. Idempotent.
 */
public interface ArchiveShipping {

    /**
     * Closes the server's current archive file when changes were written to it since it was last closed (a running
     * server), then stores every closed file not stored yet in the repository, sealed with the database's backup key
     * {@code key}.
     */
    void shipArchive(InstanceSpec spec, String key, BackupRepositoryAccess repository);
}
