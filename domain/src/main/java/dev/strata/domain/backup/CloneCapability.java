package dev.strata.domain.backup;

import dev.strata.domain.database.InstanceSpec;

/**
 * Capability of a driver that can copy a database's present straight from its server's files, without going through
 * the backup repository: how a branch "now" is made fast (copy-on-write clones where the file system has them).
 * Idempotent and safe to repeat after a crash of the control plane.
 */
public interface CloneCapability {

    /**
     * Makes {@code target}'s data a consistent copy of {@code source}'s present (its server running, or cleanly
     * stopped), with the target's own passwords; the target's server is left stopped (ensureRunning starts it).
     * {@code token} names the request: a repeated call with it after the copy was put in place does nothing.
     *
     * @return how the copy was made, in words for the branch's status message
     * @throws IllegalStateException with a message a user can read when it cannot be done now
     */
    String cloneFrom(InstanceSpec source, InstanceSpec target, String token);
}
