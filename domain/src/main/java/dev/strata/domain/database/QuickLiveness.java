package dev.strata.domain.database;

/**
 * Capability of a driver whose servers are processes it can see: whether a database's server process still
 * exists, cheap enough to ask several times a second (a pid file and {@code /proc}, no connection). The
 * reconciler asks it between passes so that a killed server is restarted within a fraction of a second rather than
 * at the next health check.
 */
public interface QuickLiveness {

    /** False when the server process of this (running) database is gone. */
    boolean alive(InstanceSpec spec);
}
