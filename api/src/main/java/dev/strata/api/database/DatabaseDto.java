package dev.strata.api.database;

/** A database as seed 003 shows it, plus {@code projectId}, {@code statusMessage} and {@code storageUsedBytes}. */
public record DatabaseDto(String id, String projectId, String name, String slug, String engine, String version,
                          String status, String statusMessage, String cpu, String memory, int storageGb,
                          Long storageUsedBytes, String storageClass, String createdAt, String updatedAt) {
}
