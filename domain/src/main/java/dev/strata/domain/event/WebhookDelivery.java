package dev.strata.domain.event;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/**
 * One event to be sent to one webhook: the outbox row, inserted with the event in the same transaction. Deliveries
 * with the same webhook and {@link #orderingKey} (the event's database, else project, else workspace) go out one
 * after the other in event order. A sender claims a delivery with a lease ({@link #leaseUntil}); a sender that
 * crashes mid-send leaves the lease to run out and the delivery is sent again (at least once).
 */
@Entity
@Table(name = "strata_webhook_delivery", indexes = {
        @Index(name = "ix_delivery_webhook", columnList = "webhook_id, id"),
        @Index(name = "ix_delivery_order", columnList = "webhook_id, ordering_key, status, id"),
        @Index(name = "ix_delivery_due", columnList = "status, next_attempt_at"),
        @Index(name = "ix_delivery_created", columnList = "created_at")})
public class WebhookDelivery extends WorkspaceOwned {

    public static final String ID_PREFIX = "dlv";
    public static final int ERROR_MAX = 500;

    @Column(name = "webhook_id", nullable = false, length = 40)
    private String webhookId;

    @Column(name = "event_id", nullable = false, length = 40)
    private String eventId;

    @Enumerated(EnumType.STRING)
    @Column(name = "event_type", nullable = false, length = 40)
    private EventType eventType;

    @Column(name = "ordering_key", nullable = false, length = 40)
    private String orderingKey;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private DeliveryStatus status;

    @Column(nullable = false)
    private int attempts;

    @Column(name = "next_attempt_at")
    private Instant nextAttemptAt;

    @Column(name = "first_attempt_at")
    private Instant firstAttemptAt;

    @Column(name = "last_attempt_at")
    private Instant lastAttemptAt;

    @Column(name = "last_status_code")
    private Integer lastStatusCode;

    @Column(name = "last_error", length = ERROR_MAX)
    private String lastError;

    /** Until when a sender has it (null: nobody); {@link #leaseHolder} names the claim, so a late answer of an expired one is ignored. */
    @Column(name = "lease_until")
    private Instant leaseUntil;

    @Column(name = "lease_holder", length = 80)
    private String leaseHolder;

    protected WebhookDelivery() {
    }

    public static WebhookDelivery queue(Webhook webhook, Event event, Instant now) {
        WebhookDelivery d = new WebhookDelivery();
        d.identify(ID_PREFIX, webhook.workspaceId(), now);
        d.webhookId = webhook.id();
        d.eventId = event.id();
        d.eventType = event.type();
        d.orderingKey = event.orderingKey();
        d.status = DeliveryStatus.PENDING;
        d.nextAttemptAt = now;
        return d;
    }

    /** A sender takes it until {@code until}. */
    public void lease(String holder, Instant until) {
        leaseHolder = holder;
        leaseUntil = until;
    }

    public boolean leasedBy(String holder) {
        return status == DeliveryStatus.PENDING && holder.equals(leaseHolder);
    }

    /** The receiver answered 2xx: done. */
    public void succeeded(int statusCode, Instant at) {
        attempted(at);
        status = DeliveryStatus.SUCCEEDED;
        lastStatusCode = statusCode;
        lastError = null;
        nextAttemptAt = null;
    }

    /**
     * The attempt failed ({@code statusCode} null when there was no answer): retried at {@code at + delay}, or given up
     * ({@code failed}) once the first attempt is older than {@code giveUpAfter}.
     */
    public void attemptFailed(Integer statusCode, String error, Instant at, Duration delay, Duration giveUpAfter) {
        attempted(at);
        lastStatusCode = statusCode;
        lastError = error == null ? null : error.length() > ERROR_MAX ? error.substring(0, ERROR_MAX - 3) + "..." : error;
        if (Duration.between(firstAttemptAt, at).compareTo(giveUpAfter) > 0) {
            status = DeliveryStatus.FAILED;
            nextAttemptAt = null;
        } else {
            nextAttemptAt = at.plus(delay);
        }
    }

    private void attempted(Instant at) {
        attempts++;
        if (firstAttemptAt == null) {
            firstAttemptAt = at;
        }
        lastAttemptAt = at;
        leaseHolder = null;
        leaseUntil = null;
    }

    public String webhookId() { return webhookId; }
    public String eventId() { return eventId; }
    public EventType eventType() { return eventType; }
    public String orderingKey() { return orderingKey; }
    public DeliveryStatus status() { return status; }
    public int attempts() { return attempts; }
    public Instant nextAttemptAt() { return nextAttemptAt; }
    public Instant firstAttemptAt() { return firstAttemptAt; }
    public Instant lastAttemptAt() { return lastAttemptAt; }
    public Integer lastStatusCode() { return lastStatusCode; }
    public String lastError() { return lastError; }
    public Instant leaseUntil() { return leaseUntil; }
}
