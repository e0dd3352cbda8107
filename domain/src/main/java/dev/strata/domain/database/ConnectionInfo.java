package dev.strata.domain.database;

/**
 * How an application reaches a database: {@code uri} works as is with the engine's usual clients, {@code jdbcUrl}
 * (null for engines without JDBC) with Java's, {@code tlsUri} (null unless the server has a separate TLS port, as a
 * local Redis has) over TLS. Built by the engine's driver, which knows the scheme.
 */
public record ConnectionInfo(String uri, String username, String password, String host, int port, String databaseName,
                             String jdbcUrl, String tlsUri) {

    /** Connection info without a separate TLS address. */
    public ConnectionInfo(String uri, String username, String password, String host, int port, String databaseName, String jdbcUrl) {
        this(uri, username, password, host, port, databaseName, jdbcUrl, null);
    }

    @Override
    public String toString() {
        return "ConnectionInfo[host=" + host + ", port=" + port + ", username=" + username + "]";
    }
}
