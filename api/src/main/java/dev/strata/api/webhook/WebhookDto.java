package dev.strata.api.webhook;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** A webhook as read back: never its secret. {@code description} is null when none was given. */
@JsonbNillable
@JsonbPropertyOrder({"id", "url", "events", "description", "createdAt"})
public record WebhookDto(String id, String url, List<String> events, String description, String createdAt) {
}
