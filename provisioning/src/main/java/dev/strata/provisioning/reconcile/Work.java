package dev.strata.provisioning.reconcile;

import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;

/** A snapshot of one database taken in a short transaction, worked on outside any transaction. */
public record Work(String id, Engine engine, long generation, boolean converged, boolean deletionRequested,
            boolean sleepRequested, InstanceSpec spec, String restoreBackupId, String cloneSourceId) {
}
