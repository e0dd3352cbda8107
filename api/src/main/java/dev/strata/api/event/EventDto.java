package dev.strata.api.event;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.Map;

/**
 * One event of the log, as the API lists it and as a webhook delivery's body: the ids it is about are null, not
 * left out, when it is not about such a thing; {@code data} holds the type's flat fields.
 */
@JsonbNillable
@JsonbPropertyOrder({"id", "type", "occurredAt", "workspaceId", "projectId", "databaseId", "backupId", "message", "data"})
public record EventDto(String id, String type, String occurredAt, String workspaceId, String projectId, String databaseId,
                       String backupId, String message, Map<String, Object> data) {
}
