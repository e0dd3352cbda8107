package dev.strata.api.webhook;

import dev.strata.api.Timestamps;
import dev.strata.api.database.PageMetaDto;
import dev.strata.domain.event.Webhook;
import dev.strata.domain.event.WebhookDelivery;
import dev.strata.provisioning.event.Webhooks;

/** Webhooks and deliveries to DTOs. */
public final class WebhookAssembler {

    private WebhookAssembler() {
    }

    public static WebhookDto toDto(Webhook w) {
        return new WebhookDto(w.id(), w.url(), w.events(), w.description(), Timestamps.format(w.createdAt()));
    }

    public static CreatedWebhookDto toDto(Webhooks.Created c) {
        Webhook w = c.webhook();
        return new CreatedWebhookDto(w.id(), w.url(), w.events(), w.description(), Timestamps.format(w.createdAt()), c.secret());
    }

    public static DeliveryDto toDto(WebhookDelivery d) {
        return new DeliveryDto(d.id(), d.webhookId(), d.eventId(), d.eventType().wireName(), d.status().wireName(), d.attempts(),
                Timestamps.format(d.createdAt()), Timestamps.format(d.lastAttemptAt()), Timestamps.format(d.nextAttemptAt()),
                d.lastStatusCode(), d.lastError());
    }

    public static WebhookListDto webhooks(Webhooks.Page<Webhook> page) {
        return new WebhookListDto(page.items().stream().map(WebhookAssembler::toDto).toList(),
                new PageMetaDto(page.total(), page.page(), page.limit(), page.totalPages()));
    }

    public static DeliveryListDto deliveries(Webhooks.Page<WebhookDelivery> page) {
        return new DeliveryListDto(page.items().stream().map(WebhookAssembler::toDto).toList(),
                new PageMetaDto(page.total(), page.page(), page.limit(), page.totalPages()));
    }
}
