package dev.strata.domain.database;

import java.util.List;

/**
 * Port: runs database servers somewhere (local processes, Kubernetes operators). Every method is idempotent and
 * safe to call again after a crash at any point; the reconciler is its only caller. Failures of the environment
 * come back as an {@link InstanceObservation#failed} observation or an unchecked exception with a readable message.
 */
public interface EngineDriver {

    /** The engines and versions this driver can run here, newest version first. */
    List<EngineOffer> offers();

    /** Whether this driver needs a TCP port from Strata's range for each database. */
    boolean needsPort();

    /**
     * Whether a new database needs a second port for TLS (a server that cannot offer TLS and plain connections on
     * one port); asked at creation only, the port is the database's for life.
     */
    default boolean needsTlsPort() {
        return false;
    }

    /** Create the server if absent, apply the spec's settings (restarting if they changed), start it, report. */
    InstanceObservation ensureRunning(InstanceSpec spec);

    /** Look without changing anything. */
    InstanceObservation observe(InstanceSpec spec);

    /** Stop the server, keeping its data (sleep). */
    InstanceObservation stop(InstanceSpec spec);

    /** Stop the server and remove everything of it; nothing is left. A no-op when nothing is there. */
    void delete(InstanceSpec spec);

    /** How clients connect. */
    ConnectionInfo connection(InstanceSpec spec);
}
