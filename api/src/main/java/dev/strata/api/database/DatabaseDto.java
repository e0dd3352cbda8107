package dev.strata.api.database;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A database as seed 003 shows it, plus {@code projectId}, {@code statusMessage} and {@code storageUsedBytes}. */
@JsonbPropertyOrder({"id", "name", "slug", "engine", "version", "status", "statusMessage", "cpu", "memory", "storageGb", "storageUsedBytes", "storageClass", "projectId", "createdAt", "updatedAt"})
public record DatabaseDto(String id, String projectId, String name, String slug, String engine, String version,
                          String status, String statusMessage, String cpu, String memory, int storageGb,
                          Long storageUsedBytes, String storageClass, String createdAt, String updatedAt) {
}
