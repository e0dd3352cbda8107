package dev.strata.api.engine;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

@JsonbPropertyOrder({"engine", "versions", "defaultVersion"})
public record EngineDto(String engine, List<String> versions, String defaultVersion) {
}
