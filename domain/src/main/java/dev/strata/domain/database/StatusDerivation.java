package dev.strata.domain.database;

/**
 * The one place a database's status comes from: desired spec plus observed facts in, status out.
 * Pure and side-effect free; {@link Database} applies the result through the {@link DatabaseStatus} state machine.
 */
public final class StatusDerivation {

    /** Everything the status depends on. */
    public record Facts(boolean deletionRequested, boolean sleepRequested, long generation, long observedGeneration,
                        boolean everReady, boolean ready, boolean stopped, boolean failing) {
    }

    private StatusDerivation() {
    }

    public static DatabaseStatus derive(Facts f) {
        if (f.deletionRequested()) {
            return DatabaseStatus.DELETING;
        }
        if (f.failing()) {
            return DatabaseStatus.ERROR;
        }
        if (f.sleepRequested()) {
            return f.stopped() && f.observedGeneration() == f.generation() ? DatabaseStatus.SLEEPING : DatabaseStatus.UPDATING;
        }
        if (!f.everReady()) {
            return DatabaseStatus.PROVISIONING;
        }
        if (f.observedGeneration() < f.generation()) {
            return DatabaseStatus.UPDATING;
        }
        // converged once, but the server does not answer now: the reconciler is restarting it
        return f.ready() ? DatabaseStatus.READY : DatabaseStatus.ERROR;
    }
}
