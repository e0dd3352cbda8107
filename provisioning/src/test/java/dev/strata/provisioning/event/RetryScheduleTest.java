package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.event.DeliveryStatus;
import dev.strata.domain.event.Event;
import dev.strata.domain.event.EventData;
import dev.strata.domain.event.EventType;
import dev.strata.domain.event.Webhook;
import dev.strata.domain.event.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private static final Duration BASE = Duration.ofSeconds(10);

    @Test
    void doublesFromTheBaseAndWaitsAtMostAnHour() {
        assertThat(RetrySchedule.waitAfter(1, BASE)).isEqualTo(Duration.ofSeconds(10));
        assertThat(RetrySchedule.waitAfter(2, BASE)).isEqualTo(Duration.ofSeconds(20));
        assertThat(RetrySchedule.waitAfter(3, BASE)).isEqualTo(Duration.ofSeconds(40));
        assertThat(RetrySchedule.waitAfter(9, BASE)).isEqualTo(Duration.ofSeconds(2560));
        assertThat(RetrySchedule.waitAfter(10, BASE)).isEqualTo(Duration.ofHours(1));
        assertThat(RetrySchedule.waitAfter(1000, BASE)).isEqualTo(Duration.ofHours(1));
        assertThat(RetrySchedule.waitAfter(3, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aDeliveryThatKeepsFailingIsRetriedForMoreThanADayThenGivenUp() {
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        Webhook w = Webhook.create("ws_1", "https://example.com/hook", Set.of(), null, "sealed", t0);
        Event e = Event.record(EventType.DATABASE_CREATED, "ws_1", null, "db_1", null, "created", EventData.NONE, t0);
        WebhookDelivery d = WebhookDelivery.queue(w, e, t0);
        Duration giveUp = Duration.ofHours(26);
        Instant now = t0;
        while (d.status() == DeliveryStatus.PENDING) {
            now = d.nextAttemptAt();
            d.lease("me", now.plusSeconds(60));
            d.attemptFailed(500, "the receiver answered 500", now, RetrySchedule.waitAfter(d.attempts() + 1, BASE), giveUp);
        }
        assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(Duration.between(t0, d.lastAttemptAt())).isGreaterThan(giveUp).isLessThanOrEqualTo(giveUp.plusHours(1));
        // 10 s … 2560 s (9 waits, 5110 s), then hourly until 26 h have passed
        assertThat(d.attempts()).isEqualTo(1 + 9 + 25);
        assertThat(d.nextAttemptAt()).isNull();
        assertThat(d.lastStatusCode()).isEqualTo(500);
    }

    @Test
    void aSuccessEndsItAndOnlyTheClaimantsAnswerCounts() {
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        Webhook w = Webhook.create("ws_1", "https://example.com/hook", Set.of(EventType.DATABASE_CREATED), null, "sealed", t0);
        Event e = Event.record(EventType.DATABASE_CREATED, "ws_1", null, "db_1", null, "created", EventData.NONE, t0);
        WebhookDelivery d = WebhookDelivery.queue(w, e, t0);
        assertThat(d.orderingKey()).isEqualTo("db_1");
        d.lease("a", t0.plusSeconds(60));
        assertThat(d.leasedBy("a")).isTrue();
        assertThat(d.leasedBy("b")).isFalse();
        d.attemptFailed(null, "x".repeat(2000), t0, RetrySchedule.waitAfter(1, BASE), Duration.ofHours(26));
        assertThat(d.lastError()).hasSize(WebhookDelivery.ERROR_MAX);
        assertThat(d.nextAttemptAt()).isEqualTo(t0.plusSeconds(10));
        assertThat(d.leasedBy("a")).isFalse();
        d.lease("b", t0.plusSeconds(70));
        d.succeeded(204, t0.plusSeconds(10));
        assertThat(d.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.lastStatusCode()).isEqualTo(204);
        assertThat(d.lastError()).isNull();
        assertThat(d.nextAttemptAt()).isNull();
    }

    @Test
    void aWebhookWantsItsTypesOrAll() {
        Instant t0 = Instant.now();
        Webhook some = Webhook.create("ws_1", "https://example.com", Set.of(EventType.BACKUP_FAILED, EventType.DATABASE_CREATED), null, "s", t0);
        Webhook all = Webhook.create("ws_1", "https://example.com", Set.of(), null, "s", t0);
        assertThat(some.events()).containsExactly("database.created", "backup.failed");
        assertThat(some.wants(EventType.BACKUP_FAILED)).isTrue();
        assertThat(some.wants(EventType.BACKUP_COMPLETED)).isFalse();
        assertThat(all.events()).containsExactly("*");
        assertThat(all.wants(EventType.PROJECT_WOKE)).isTrue();
    }
}
