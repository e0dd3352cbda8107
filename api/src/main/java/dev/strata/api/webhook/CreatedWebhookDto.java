package dev.strata.api.webhook;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** The answer to a create: the webhook and its signing secret, which no later answer shows. */
@JsonbNillable
@JsonbPropertyOrder({"id", "url", "events", "description", "createdAt", "secret"})
public record CreatedWebhookDto(String id, String url, List<String> events, String description, String createdAt, String secret) {

    @Override
    public String toString() {
        return "CreatedWebhookDto[" + id + "]";
    }
}
