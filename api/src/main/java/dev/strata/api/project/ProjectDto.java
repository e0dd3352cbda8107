package dev.strata.api.project;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A project; {@code status} is {@code active} or {@code sleeping}. */
@JsonbPropertyOrder({"id", "name", "status", "createdAt", "updatedAt"})
public record ProjectDto(String id, String name, String status, String createdAt, String updatedAt) {
}
