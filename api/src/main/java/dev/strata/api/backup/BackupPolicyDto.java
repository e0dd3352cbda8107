package dev.strata.api.backup;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A database's backup policy; {@code nextRunAt} is when the next scheduled backup is taken (null when disabled). */
@JsonbPropertyOrder({"databaseId", "enabled", "schedule", "retentionDays", "nextRunAt"})
public record BackupPolicyDto(String databaseId, boolean enabled, String schedule, int retentionDays, String nextRunAt) {
}
