package dev.strata.provisioning.event;

import dev.strata.domain.database.Database;
import dev.strata.domain.event.Event;
import dev.strata.domain.event.EventData;
import dev.strata.domain.event.EventType;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.PageRequest;
import dev.strata.domain.shared.Shown;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.workspace.Workspaces;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The event log. {@link #record} joins the caller's transaction (it refuses to run without one): an event exists
 * exactly when the change it tells of committed, and so do the webhook deliveries queued with it. Messages and data
 * hold names, ids, sizes and statuses, never a password, key or secret.
 */
@Stateless
public class EventLog {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Inject
    Workspaces workspaces;

    @Inject
    WebhookOutbox outbox;

    @Inject
    jakarta.enterprise.event.Event<EventRecorded> recorded;

    /** Records an event about a database (its workspace and project taken from it). */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public Event record(EventType type, Database db, String message, EventData data) {
        return record(type, db.workspaceId(), db.projectId(), db.id(), null, message, data);
    }

    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public Event record(EventType type, String workspaceId, String projectId, String databaseId, String backupId,
                        String message, EventData data) {
        Event e = Event.record(type, workspaceId, projectId, databaseId, backupId, message, data, Instant.now());
        em.persist(e);
        if (outbox.enqueue(e) > 0) {
            recorded.fire(new EventRecorded(e.id()));
        }
        return e;
    }

    /** Records that {@code db} was asked to sleep; {@code reason}: {@code on request}, {@code idle}, {@code project}. */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void databaseSlept(Database db, String reason) {
        record(EventType.DATABASE_SLEPT, db, "Database " + db.name() + (switch (reason) {
            case "idle" -> " had no clients for its project's autoSleepMinutes and sleeps";
            case "project" -> " sleeps with its project";
            default -> " was put to sleep";
        }), EventData.builder().put("reason", reason).build());
    }

    /** Records that {@code db} was asked to wake; {@code reason}: {@code on request}, {@code a client connected}, {@code project}. */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void databaseWoke(Database db, String reason) {
        record(EventType.DATABASE_WOKE, db, "Database " + db.name() + (switch (reason) {
            case "a client connected" -> " woke because a client connected";
            case "project" -> " woke with its project";
            default -> " was woken";
        }), EventData.builder().put("reason", reason).build());
    }

    /**
     * The workspace's events, newest first. {@code page}/{@code limit} as for databases, {@code type} an event type,
     * {@code since} an RFC 3339 instant (events at or after it); {@code databaseId} and {@code projectId} only filter
     * (an unknown id matches nothing). Every bad value is reported at once as a 400.
     */
    public EventPage list(Caller caller, String wsId, String databaseId, String projectId, String type, String since,
                          String page, String limit) {
        workspaces.get(caller, wsId);
        List<FieldError> errors = new ArrayList<>();
        PageRequest paging = PageRequest.parse(page, limit, errors);
        EventType t = null;
        if (type != null && !type.isEmpty()) {
            try {
                t = EventType.parse("type", type);
            } catch (InvalidInputException e) {
                errors.addAll(e.errors());
            }
        }
        Instant from = null;
        if (since != null && !since.isEmpty()) {
            from = instant("since", since, errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid", errors);
        }
        EventFilter filter = new EventFilter(wsId, blankToNull(databaseId), blankToNull(projectId), t, from);
        return page(filter, paging);
    }

    /**
     * The newest events of the caller's workspace (the dashboard's activity), or of one of its databases when
     * {@code databaseId} is set (an id of another workspace matches nothing).
     */
    public List<Event> recent(Caller caller, String databaseId, int limit) {
        return page(new EventFilter(caller.workspaceId(), databaseId, null, null, null), new PageRequest(1, limit)).items();
    }

    private EventPage page(EventFilter filter, PageRequest paging) {
        // ids are monotonic ULIDs: their order is the order events were recorded in
        List<Event> items = filter.bind(em.createQuery("select e" + filter.where() + " order by e.id desc", Event.class))
                .setFirstResult(paging.offset()).setMaxResults(paging.limit()).getResultList();
        long total = filter.bind(em.createQuery("select count(e)" + filter.where(), Long.class)).getSingleResult();
        return new EventPage(items, total, paging.page(), paging.limit());
    }

    /** An RFC 3339 instant ({@code 2026-12-06T10:00:00Z}, with an offset or fraction); a field error otherwise. */
    static Instant instant(String field, String raw, List<FieldError> errors) {
        try {
            return OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, field + " must be an RFC 3339 instant such as 2026-12-06T10:00:00Z (got " + Shown.quoted(raw) + ")"));
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
