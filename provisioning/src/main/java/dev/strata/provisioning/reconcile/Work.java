package dev.strata.provisioning.reconcile;

import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.wake.FrontDoor.Ports;
import java.util.List;

/**
 * A snapshot of one database taken in a short transaction, worked on outside any transaction ({@code tlsPortUnfronted}:
 * the database's {@code tlsPortUnfronted()}).
 */
public record Work(String id, Engine engine, long generation, boolean converged, boolean deletionRequested,
            boolean sleepRequested, InstanceSpec spec, String restoreBackupId, String cloneSourceId, Integer publicPort, Integer serverPort,
            Integer publicTlsPort, Integer serverTlsPort, boolean tlsPortUnfronted) {

    /** Whether Strata's front door holds the public port (the server listens on {@link #serverPort}). */
    public boolean fronted() {
        return serverPort != null && publicPort != null;
    }

    /** The ports the front door holds, as {@link #frontedPorts(Integer, Integer, Integer, Integer, boolean)}. */
    public List<Ports> frontedPorts(boolean tls) {
        return frontedPorts(publicPort, serverPort, publicTlsPort, serverTlsPort, tls);
    }

    /**
     * The ports the front door holds, each with the server's loopback port behind it: the public port, and the TLS
     * port of a database that has one (a local Redis in prefer mode) once it is fronted too, when {@code tls}: the
     * server serves that port now. Empty when not fronted.
     */
    static List<Ports> frontedPorts(Integer publicPort, Integer serverPort, Integer publicTlsPort, Integer serverTlsPort, boolean tls) {
        if (serverPort == null || publicPort == null) {
            return List.of();
        }
        Ports main = new Ports(publicPort, serverPort);
        return tls && publicTlsPort != null && serverTlsPort != null
                ? List.of(main, new Ports(publicTlsPort, serverTlsPort))
                : List.of(main);
    }

    /** Whether every port of the database is fronted (a database fronted before its TLS port was: not yet). */
    public boolean fullyFronted(boolean tls) {
        return fronted() && !(tls && tlsPortUnfronted);
    }
}
