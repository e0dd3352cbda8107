package dev.strata.domain.database;

/**
 * What identifies a database's server for its whole life, chosen once at creation: its port (where the driver
 * needs one), the application user and database, the sealed (encrypted) passwords, and a second port for TLS
 * where the engine cannot offer TLS and plain connections on one port (a local Redis; null elsewhere).
 */
public record InstanceIdentity(Integer port, String username, String databaseName, String passwordSealed,
                               String adminPasswordSealed, Integer tlsPort) {

    /** An identity without a TLS port. */
    public InstanceIdentity(Integer port, String username, String databaseName, String passwordSealed, String adminPasswordSealed) {
        this(port, username, databaseName, passwordSealed, adminPasswordSealed, null);
    }
}
