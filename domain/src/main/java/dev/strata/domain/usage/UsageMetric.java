package dev.strata.domain.usage;

import dev.strata.domain.database.DatabaseStatus;

/** What a {@link UsageSample} measures, and of what: a database, a project or a workspace. */
public enum UsageMetric {
    /** Bytes a database's data uses on disk (the reconciler's observation); subject: the database. */
    STORAGE_USED_BYTES,
    /** Client connections to a database's server (Strata's own not counted); subject: the database. */
    CLIENT_CONNECTIONS,
    /** Bytes in all buckets of a project; subject: the project. */
    OBJECT_STORAGE_BYTES,
    /** How many databases of a workspace have the status; subject: the workspace. */
    DATABASES_PROVISIONING,
    DATABASES_READY,
    DATABASES_UPDATING,
    DATABASES_SLEEPING,
    DATABASES_ERROR,
    DATABASES_DELETING;

    /** The metric counting databases of {@code status}. */
    public static UsageMetric databases(DatabaseStatus status) {
        return valueOf("DATABASES_" + status.name());
    }

    /** The status a DATABASES_* metric counts; null for the other metrics. */
    public DatabaseStatus countedStatus() {
        return name().startsWith("DATABASES_") ? DatabaseStatus.valueOf(name().substring("DATABASES_".length())) : null;
    }

    /**
     * Whether no figure means zero (a count of databases: a status nobody has is zero of them) rather than "not
     * known" (a stopped server has no connection count, not zero).
     */
    public boolean zeroWhenAbsent() {
        return countedStatus() != null;
    }
}
