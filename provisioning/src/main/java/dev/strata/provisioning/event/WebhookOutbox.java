package dev.strata.provisioning.event;

import dev.strata.domain.event.Event;
import dev.strata.domain.event.Webhook;
import dev.strata.domain.event.WebhookDelivery;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Queues an event's deliveries, one per webhook of its workspace that wants its type, in the event's transaction. */
@ApplicationScoped
public class WebhookOutbox {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    /** How many deliveries were queued. */
    public int enqueue(Event e) {
        int n = 0;
        for (Webhook w : em.createQuery("select w from Webhook w where w.workspaceId = :ws order by w.id", Webhook.class)
                .setParameter("ws", e.workspaceId()).getResultList()) {
            if (w.wants(e.type())) {
                em.persist(WebhookDelivery.queue(w, e, e.occurredAt()));
                n++;
            }
        }
        return n;
    }
}
