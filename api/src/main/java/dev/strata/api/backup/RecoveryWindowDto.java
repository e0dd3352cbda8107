package dev.strata.api.backup;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * {@code GET .../databases/{id}/recovery-window}: {@code earliest} and {@code latest} (RFC 3339, UTC) when any moment
 * between can be restored ({@code pointInTime} true); the moments of the completed backups ({@code snapshots},
 * newest first) either way; {@code message} in words.
 */
@JsonbPropertyOrder({"databaseId", "pointInTime", "earliest", "latest", "snapshots", "message"})
public record RecoveryWindowDto(String databaseId, boolean pointInTime, String earliest, String latest, List<String> snapshots, String message) {
}
