package dev.strata.domain.backup;

import java.time.Duration;

/**
 * Capability of a {@link BackupCapability} driver whose databases archive their changes continuously (PostgreSQL
 * WAL, binary logs) next to their base backups: a restore ({@link BackupCapability.RestoreJob#pointInTime}) can then
 * stop at any instant after a base backup. A target after the last archived change restores the latest state.
 */
public interface PointInTimeCapability {

    /** The longest a committed change waits before it is in the repository while the server runs (the RPO). */
    Duration archiveInterval();

    /**
     * The earliest moment the engine's own archive can still restore the database to, as its tooling reports it
     * (an operator that prunes the repository itself may have removed base backups that Strata's records still
     * list), or empty when the driver has nothing to say (then the records alone define the window).
     */
    default java.util.Optional<java.time.Instant> earliestRecoverable(dev.strata.domain.database.InstanceSpec spec) {
        return java.util.Optional.empty();
    }
}
