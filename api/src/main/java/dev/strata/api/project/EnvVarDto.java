package dev.strata.api.project;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

@JsonbPropertyOrder({"name", "value", "managed", "managedBy"})
public record EnvVarDto(String name, String value, boolean managed, String managedBy) {
}
