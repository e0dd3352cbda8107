package dev.strata.provisioning.event;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * {@link EventRetention}'s transactions: each deletes at most one batch of rows older than the retention, so a large
 * backlog is worked off in many short transactions, never in one long one.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class RetentionSteps {

    /**
     * Up to ?2 finished deliveries (succeeded or given up) queued before ?1, oldest first. A pending delivery is never
     * deleted, however old; a finished one never becomes pending again, so nothing it is deleted from under changes.
     */
    static final String FINISHED_DELIVERIES = "delete from strata_webhook_delivery where id in (select d.id from strata_webhook_delivery d"
            + " where d.created_at < ?1 and d.status in ('SUCCEEDED', 'FAILED') order by d.created_at limit ?2)";

    /**
     * Up to ?2 events that occurred before ?1, oldest first, except those a pending delivery still refers to: the
     * dispatcher reads the event to send it (and drops a delivery whose event is gone). Deliveries are only queued in
     * their event's own transaction, so an old event cannot get a pending delivery after this looked.
     */
    static final String EVENTS = "delete from strata_event where id in (select e.id from strata_event e where e.occurred_at < ?1"
            + " and not exists (select 1 from strata_webhook_delivery d where d.event_id = e.id and d.status = 'PENDING')"
            + " order by e.occurred_at limit ?2)";

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    /** Deletes at most {@code max} finished deliveries queued before {@code before}; how many it deleted. */
    public int finishedDeliveries(Instant before, int max) {
        return em.createNativeQuery(FINISHED_DELIVERIES).setParameter(1, Timestamp.from(before)).setParameter(2, max).executeUpdate();
    }

    /** Deletes at most {@code max} events from before {@code before} that no pending delivery needs; how many it deleted. */
    public int events(Instant before, int max) {
        return em.createNativeQuery(EVENTS).setParameter(1, Timestamp.from(before)).setParameter(2, max).executeUpdate();
    }
}
