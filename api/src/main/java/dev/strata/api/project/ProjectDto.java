package dev.strata.api.project;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A project; {@code status} is {@code active} or {@code sleeping}; {@code primaryDatabaseId} is the database chosen
 * for {@code DATABASE_URL}, or null when the default rule applies (the oldest PostgreSQL, else the oldest database);
 * {@code autoSleepMinutes}: minutes without client connections after which a database sleeps by itself (0: never).
 */
@JsonbNillable // primaryDatabaseId is null, not left out, when none is chosen
@JsonbPropertyOrder({"id", "name", "status", "primaryDatabaseId", "autoSleepMinutes", "createdAt", "updatedAt"})
public record ProjectDto(String id, String name, String status, String primaryDatabaseId, int autoSleepMinutes, String createdAt, String updatedAt) {
}
