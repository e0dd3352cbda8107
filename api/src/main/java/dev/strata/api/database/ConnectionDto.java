package dev.strata.api.database;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Seed 003's connection info plus {@code database}, a ready-to-use {@code jdbcUrl}, and {@code tlsUri} where the
 * server takes TLS on a port of its own (a local Redis: {@code rediss://}; absent elsewhere).
 */
@JsonbPropertyOrder({"uri", "username", "password", "host", "port", "database", "jdbcUrl", "tlsUri"})
public record ConnectionDto(String uri, String username, String password, String host, int port, String database,
                            String jdbcUrl, String tlsUri) {
}
