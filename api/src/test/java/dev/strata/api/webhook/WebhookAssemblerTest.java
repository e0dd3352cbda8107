package dev.strata.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.event.Event;
import dev.strata.domain.event.EventData;
import dev.strata.domain.event.EventType;
import dev.strata.domain.event.Webhook;
import dev.strata.domain.event.WebhookDelivery;
import dev.strata.provisioning.event.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookAssemblerTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00.250Z");

    @Test
    void theSecretIsInTheCreateAnswerOnly() {
        Webhook w = Webhook.create("ws_1", "https://hooks.example.com/strata", Set.of(EventType.BACKUP_FAILED), "on-call", "sealed:xyz", T0);
        CreatedWebhookDto created = WebhookAssembler.toDto(new Webhooks.Created(w, "whsec_plain"));
        assertThat(created.secret()).isEqualTo("whsec_plain");
        assertThat(created.toString()).doesNotContain("whsec_plain");
        assertThat(created.events()).containsExactly("backup.failed");
        assertThat(created.createdAt()).isEqualTo("2026-12-06T10:00:00Z");
        WebhookDto read = WebhookAssembler.toDto(w);
        assertThat(read).isEqualTo(new WebhookDto(w.id(), "https://hooks.example.com/strata", List.of("backup.failed"), "on-call",
                "2026-12-06T10:00:00Z"));
        assertThat(read.toString()).doesNotContain("sealed");
    }

    @Test
    void aDeliveryShowsItsAttempts() {
        Webhook w = Webhook.create("ws_1", "https://hooks.example.com/strata", Set.of(), null, "sealed:xyz", T0);
        Event e = Event.record(EventType.DATABASE_CREATED, "ws_1", null, "db_1", null, "created", EventData.NONE, T0);
        WebhookDelivery d = WebhookDelivery.queue(w, e, T0);
        DeliveryDto pending = WebhookAssembler.toDto(d);
        assertThat(pending.status()).isEqualTo("pending");
        assertThat(pending.attempts()).isZero();
        assertThat(pending.lastAttemptAt()).isNull();
        assertThat(pending.lastStatusCode()).isNull();
        assertThat(pending.nextAttemptAt()).isEqualTo("2026-12-06T10:00:00Z");
        d.lease("me", T0.plusSeconds(60));
        d.attemptFailed(500, "the receiver answered 500", T0.plusSeconds(1), Duration.ofSeconds(10), Duration.ofHours(26));
        d.lease("me", T0.plusSeconds(70));
        d.succeeded(200, T0.plusSeconds(11));
        DeliveryDto done = WebhookAssembler.toDto(d);
        assertThat(done).isEqualTo(new DeliveryDto(d.id(), w.id(), e.id(), "database.created", "succeeded", 2, "2026-12-06T10:00:00Z",
                "2026-12-06T10:00:11Z", null, 200, null));
    }
}
