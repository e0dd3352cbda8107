package dev.strata.api.project;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A project; {@code status} is {@code active} or {@code sleeping}; {@code primaryDatabaseId} is the database chosen
 * for {@code DATABASE_URL}, or null when the default rule applies (the oldest PostgreSQL, else the oldest database).
 */
@JsonbNillable // primaryDatabaseId is null, not left out, when none is chosen
@JsonbPropertyOrder({"id", "name", "status", "primaryDatabaseId", "createdAt", "updatedAt"})
public record ProjectDto(String id, String name, String status, String primaryDatabaseId, String createdAt, String updatedAt) {
}
