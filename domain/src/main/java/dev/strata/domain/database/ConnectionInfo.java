package dev.strata.domain.database;

/** How an application reaches a database; {@code uri} works as is with the engine's usual clients. */
public record ConnectionInfo(String uri, String username, String password, String host, int port, String databaseName) {

    @Override
    public String toString() {
        return "ConnectionInfo[host=" + host + ", port=" + port + ", username=" + username + "]";
    }
}
