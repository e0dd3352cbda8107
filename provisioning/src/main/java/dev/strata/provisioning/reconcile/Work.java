package dev.strata.provisioning.reconcile;

import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;

/** A snapshot of one database taken in a short transaction, worked on outside any transaction. */
public record Work(String id, Engine engine, long generation, boolean converged, boolean deletionRequested,
            boolean sleepRequested, InstanceSpec spec, String restoreBackupId, String cloneSourceId, Integer publicPort, Integer serverPort) {

    /** Whether Strata's front door holds the public port (the server listens on {@link #serverPort}). */
    public boolean fronted() {
        return serverPort != null && publicPort != null;
    }
}
