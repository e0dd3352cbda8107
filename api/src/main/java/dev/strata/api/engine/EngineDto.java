package dev.strata.api.engine;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * An engine this host offers. {@code extensions} maps each version to the extensions a database owner may
 * {@code CREATE EXTENSION} there (PostgreSQL; an empty object for the other engines).
 */
@JsonbPropertyOrder({"engine", "versions", "defaultVersion", "extensions"})
public record EngineDto(String engine, List<String> versions, String defaultVersion, Map<String, List<String>> extensions) {
}
