package dev.strata.api.webhook;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** One delivery of an event to a webhook: {@code pending}, {@code succeeded} (a 2xx) or {@code failed} (given up). */
@JsonbNillable
@JsonbPropertyOrder({"id", "webhookId", "eventId", "eventType", "status", "attempts", "createdAt", "lastAttemptAt", "nextAttemptAt",
        "lastStatusCode", "lastError"})
public record DeliveryDto(String id, String webhookId, String eventId, String eventType, String status, int attempts, String createdAt,
                          String lastAttemptAt, String nextAttemptAt, Integer lastStatusCode, String lastError) {
}
