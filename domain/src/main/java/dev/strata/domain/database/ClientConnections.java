package dev.strata.domain.database;

/**
 * A driver that can count the client connections of a running server (for idle sleep: a project's
 * {@code autoSleepMinutes}). Strata's own connections (health checks, backups, administration) are not counted.
 */
public interface ClientConnections {

    /** The number of client connections to the database's server now; throws when the server cannot be asked. */
    int clientConnections(InstanceSpec spec);
}
