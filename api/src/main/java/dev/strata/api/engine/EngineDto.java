package dev.strata.api.engine;

import java.util.List;

public record EngineDto(String engine, List<String> versions, String defaultVersion) {
}
