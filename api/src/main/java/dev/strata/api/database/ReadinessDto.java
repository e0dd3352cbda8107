package dev.strata.api.database;

public record ReadinessDto(int ready, int desired) {
}
