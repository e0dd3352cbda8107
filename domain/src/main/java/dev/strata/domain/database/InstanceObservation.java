package dev.strata.domain.database;

/**
 * What a driver saw of a database's server: whether it answers on its own protocol, whether it is
 * deliberately stopped, and, when the last step failed, why (a message a user can read, never a stack trace).
 */
public record InstanceObservation(boolean ready, boolean stopped, String failure, String message,
                                  Long storageUsedBytes) {

    public static InstanceObservation ready(Long storageUsedBytes) {
        return new InstanceObservation(true, false, null, null, storageUsedBytes);
    }

    public static InstanceObservation notReady(String message) {
        return new InstanceObservation(false, false, null, message, null);
    }

    public static InstanceObservation stoppedOnPurpose() {
        return new InstanceObservation(false, true, null, null, null);
    }

    public static InstanceObservation failed(String failure) {
        return new InstanceObservation(false, false, failure, failure, null);
    }
}
