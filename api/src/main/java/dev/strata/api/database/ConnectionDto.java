package dev.strata.api.database;

/** Seed 003's connection info plus {@code database} and a ready-to-use {@code jdbcUrl}. */
public record ConnectionDto(String uri, String username, String password, String host, int port, String database,
                            String jdbcUrl) {
}
