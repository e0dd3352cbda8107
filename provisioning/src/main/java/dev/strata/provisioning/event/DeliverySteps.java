package dev.strata.provisioning.event;

import dev.strata.domain.event.Event;
import dev.strata.domain.event.Webhook;
import dev.strata.domain.event.WebhookDelivery;
import dev.strata.provisioning.secrets.SecretBox;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook dispatcher's short transactions: claim due deliveries, record an attempt's outcome. No transaction is
 * open while a delivery is sent.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class DeliverySteps {

    /**
     * Due deliveries that are first in line: pending, due, not leased by a live sender, and no earlier pending delivery
     * of the same webhook and ordering key (head of line: a later event waits while an earlier one is retried). Rows
     * locked by another instance's claim are skipped, so two Strata instances never claim the same delivery.
     */
    static final String DUE = "select d.id from strata_webhook_delivery d"
            + " where d.status = 'PENDING' and d.next_attempt_at <= ?1 and (d.lease_until is null or d.lease_until < ?1)"
            + " and not exists (select 1 from strata_webhook_delivery e where e.webhook_id = d.webhook_id"
            + " and e.ordering_key = d.ordering_key and e.status = 'PENDING' and e.id < d.id)"
            + " order by d.id limit ?2 for update of d skip locked";

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Inject
    SecretBox secrets;

    /** What one attempt needs, read in the claim's transaction (the secret opened: never log it). */
    public record Send(String deliveryId, String webhookId, String eventId, String eventType, String url, String secret, byte[] body) {
        @Override
        public String toString() {
            return "Send[" + deliveryId + " of " + eventId + " to " + webhookId + "]";
        }
    }

    /** Claims at most {@code max} due deliveries for {@code holder} until {@code now + lease}. */
    @SuppressWarnings("unchecked")
    public List<Send> claim(String holder, int max, Duration lease) {
        Instant now = Instant.now();
        List<String> ids = em.createNativeQuery(DUE).setParameter(1, Timestamp.from(now)).setParameter(2, max).getResultList();
        List<Send> out = new ArrayList<>();
        for (String id : ids) {
            WebhookDelivery d = em.find(WebhookDelivery.class, id);
            Webhook w = em.find(Webhook.class, d.webhookId());
            Event e = em.find(Event.class, d.eventId());
            if (w == null || e == null) {
                em.remove(d); // its webhook was deleted meanwhile
                continue;
            }
            d.lease(holder, now.plus(lease));
            out.add(new Send(d.id(), w.id(), e.id(), e.type().wireName(), w.url(), secrets.open(w.secretSealed()), EventJson.body(e)));
        }
        return out;
    }

    /** Records an attempt's outcome, unless the claim expired and another sender took the delivery over. */
    public void finish(String deliveryId, String holder, Integer statusCode, String error, Duration retryBase, Duration giveUpAfter) {
        WebhookDelivery d = em.find(WebhookDelivery.class, deliveryId);
        if (d == null || !d.leasedBy(holder)) {
            return;
        }
        Instant now = Instant.now();
        if (error == null && statusCode != null && statusCode >= 200 && statusCode < 300) {
            d.succeeded(statusCode, now);
        } else {
            d.attemptFailed(statusCode, error, now, RetrySchedule.waitAfter(d.attempts() + 1, retryBase), giveUpAfter);
        }
    }
}
