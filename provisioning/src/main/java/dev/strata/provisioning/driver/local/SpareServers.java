package dev.strata.provisioning.driver.local;

import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;

/**
 * A local driver that can keep spare servers of its engine for the {@link WarmPool}. A spare is made and started as
 * a database's server is, in its own directory ({@code spares/<spare id>/}) on its own port, but holds no user's
 * role, data or password: only Strata's admin user with a password of the spare's own (in memory, never stored).
 * When a database is created, a spare takes its users and passwords ({@link #assignSpare}) before the database's
 * row is committed and its port (the spare's) published; the database's first reconcile renames the directory
 * into place ({@link LocalInstances#adoptSpare}) and has the running server re-read its settings.
 */
public interface SpareServers {

    Engine engine();

    /** Makes and starts the spare {@code spare} (its id, port and passwords); throws IllegalStateException when it cannot. */
    void startSpare(InstanceSpec spare);

    /**
     * Gives the running spare the users and passwords of {@code target} (same port, the spare's admin password in
     * {@code spare}). Throws IllegalStateException (no password in its message) when it cannot: the spare is then
     * thrown away and the database made the ordinary way.
     */
    void assignSpare(InstanceSpec spare, InstanceSpec target);
}
