package dev.strata.domain.database;

/**
 * Capability of a driver whose servers are processes it can see: the process id of a database's server, found
 * without a connection (a pid file and {@code /proc}). The reconciler watches that process between its slow full
 * resyncs (one batched look at the host's processes for all of them), so that a killed server is noticed and
 * restarted within a fraction of a second, at a cost that does not grow as a connection per database per second.
 */
public interface QuickLiveness {

    /** The process id of this (running) database's server, or null when none runs. */
    Long serverPid(InstanceSpec spec);

    /** False when the server process of this (running) database is gone. */
    default boolean alive(InstanceSpec spec) {
        return serverPid(spec) != null;
    }
}
