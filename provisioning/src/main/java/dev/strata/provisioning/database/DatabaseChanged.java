package dev.strata.provisioning.database;

/** Fired after a database's desired state changed; the reconciler reacts once the transaction has committed. */
public record DatabaseChanged(String databaseId) {
}
