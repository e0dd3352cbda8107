package dev.strata.api.database;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

@JsonbPropertyOrder({"ready", "desired"})
public record ReadinessDto(int ready, int desired) {
}
