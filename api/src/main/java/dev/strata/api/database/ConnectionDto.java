package dev.strata.api.database;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** Seed 003's connection info plus {@code database} and a ready-to-use {@code jdbcUrl}. */
@JsonbPropertyOrder({"uri", "username", "password", "host", "port", "database", "jdbcUrl"})
public record ConnectionDto(String uri, String username, String password, String host, int port, String database,
                            String jdbcUrl) {
}
