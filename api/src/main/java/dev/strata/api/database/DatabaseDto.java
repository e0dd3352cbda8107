package dev.strata.api.database;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A database as seed 003 shows it, plus {@code projectId}, {@code statusMessage}, {@code storageUsedBytes} and, for a
 * branch, {@code parentId} and {@code branchPoint} (absent otherwise).
 */
@JsonbPropertyOrder({"id", "name", "slug", "engine", "version", "status", "statusMessage", "cpu", "memory", "storageGb", "storageUsedBytes", "storageClass", "projectId", "parentId", "branchPoint", "createdAt", "updatedAt"})
public record DatabaseDto(String id, String projectId, String name, String slug, String engine, String version,
                          String status, String statusMessage, String cpu, String memory, int storageGb,
                          Long storageUsedBytes, String storageClass, String parentId, String branchPoint, String createdAt, String updatedAt) {
}
