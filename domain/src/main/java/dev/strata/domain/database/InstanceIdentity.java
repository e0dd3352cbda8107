package dev.strata.domain.database;

/**
 * What identifies a database's server for its whole life, chosen once at creation: its port (where the driver
 * needs one), the application user and database, and the sealed (encrypted) passwords.
 */
public record InstanceIdentity(Integer port, String username, String databaseName, String passwordSealed,
                               String adminPasswordSealed) {
}
