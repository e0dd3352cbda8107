package dev.strata.api.backup;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A backup: the fields, plus the database's name (shown after it is deleted), createdAt and expiresAt. */
@JsonbPropertyOrder({"id", "databaseId", "databaseName", "engine", "version", "trigger", "status", "sizeBytes", "createdAt",
        "startedAt", "completedAt", "expiresAt", "error"})
public record BackupDto(String id, String databaseId, String databaseName, String engine, String version, String trigger,
                        String status, Long sizeBytes, String createdAt, String startedAt, String completedAt, String expiresAt,
                        String error) {
}
