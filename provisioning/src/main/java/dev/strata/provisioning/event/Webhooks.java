package dev.strata.provisioning.event;

import dev.strata.domain.event.EventType;
import dev.strata.domain.event.Webhook;
import dev.strata.domain.event.WebhookDelivery;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.Ids;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.shared.PageRequest;
import dev.strata.domain.shared.Shown;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.workspace.Workspaces;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A workspace's webhooks as users see them: create (the secret shown once), list, read, delete, and the deliveries
 * of one. Every bad input is a 400 with per-field errors; a URL the SSRF guard refuses is a 422 saying why.
 */
@Stateless
public class Webhooks {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Inject
    Workspaces workspaces;

    @Inject
    SecretBox secrets;

    @Inject
    WebhookGuard guard;

    /** A new webhook and its secret in clear, which is shown only now. */
    public record Created(Webhook webhook, String secret) {
        @Override
        public String toString() {
            return "Created[" + webhook.id() + "]";
        }
    }

    public record Page<T>(List<T> items, long total, int page, int limit) {
        public int totalPages() {
            return (int) ((total + limit - 1) / limit);
        }
    }

    /** {@code events}: null when the body has none, else a list of event types or {@code ["*"]}. */
    public Created create(Caller caller, String wsId, String url, List<String> events, String description) {
        workspaces.get(caller, wsId);
        List<FieldError> errors = new ArrayList<>();
        URI uri = UrlGuard.parse("url", url, errors);
        Set<EventType> types = eventTypes(events, errors);
        if (description != null && description.length() > Webhook.DESCRIPTION_MAX) {
            errors.add(new FieldError("description", "description must be at most " + Webhook.DESCRIPTION_MAX + " characters (got "
                    + description.length() + ")"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid", errors);
        }
        String refused = guard.refusal(uri);
        if (refused != null) {
            throw new UnprocessableException("url", refused);
        }
        String secret = WebhookSignature.newSecret();
        Webhook w = Webhook.create(wsId, uri.toString(), types, description == null || description.isBlank() ? null : description.strip(),
                secrets.seal(secret), Instant.now());
        em.persist(w);
        return new Created(w, secret);
    }

    /** The event types asked for; empty for {@code ["*"]} (all). */
    static Set<EventType> eventTypes(List<String> events, List<FieldError> errors) {
        if (events == null || events.isEmpty()) {
            errors.add(new FieldError("events", "events is required: a non-empty list of event types (" + EventType.CHOICES + "), or [\"*\"] for all"));
            return Set.of();
        }
        if (events.contains(Webhook.ALL)) {
            if (events.size() > 1) {
                errors.add(new FieldError("events", "events is either [\"*\"] (all events) or a list of event types, not both"));
            }
            return Set.of();
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (String e : events) {
            try {
                types.add(EventType.parse("events", e));
            } catch (InvalidInputException ex) {
                errors.add(new FieldError("events", "events must hold event types (" + EventType.CHOICES + ") or be [\"*\"] (got "
                        + Shown.quoted(e) + ")"));
            }
        }
        return types;
    }

    public Page<Webhook> list(Caller caller, String wsId, String page, String limit) {
        workspaces.get(caller, wsId);
        PageRequest paging = paging(page, limit);
        List<Webhook> items = em.createQuery("select w from Webhook w where w.workspaceId = :ws order by w.id desc", Webhook.class)
                .setParameter("ws", wsId).setFirstResult(paging.offset()).setMaxResults(paging.limit()).getResultList();
        long total = em.createQuery("select count(w) from Webhook w where w.workspaceId = :ws", Long.class).setParameter("ws", wsId).getSingleResult();
        return new Page<>(items, total, paging.page(), paging.limit());
    }

    public Webhook get(Caller caller, String wsId, String webhookId) {
        workspaces.get(caller, wsId);
        return find(wsId, webhookId);
    }

    /** Deletes the webhook; its pending deliveries are dropped (and its delivery history with them). */
    public void delete(Caller caller, String wsId, String webhookId) {
        workspaces.get(caller, wsId);
        Webhook w = find(wsId, webhookId);
        em.createQuery("delete from WebhookDelivery d where d.webhookId = :w").setParameter("w", w.id()).executeUpdate();
        em.remove(w);
    }

    /** The webhook's deliveries, newest first. */
    public Page<WebhookDelivery> deliveries(Caller caller, String wsId, String webhookId, String page, String limit) {
        workspaces.get(caller, wsId);
        Webhook w = find(wsId, webhookId);
        PageRequest paging = paging(page, limit);
        List<WebhookDelivery> items = em.createQuery("select d from WebhookDelivery d where d.webhookId = :w order by d.id desc", WebhookDelivery.class)
                .setParameter("w", w.id()).setFirstResult(paging.offset()).setMaxResults(paging.limit()).getResultList();
        long total = em.createQuery("select count(d) from WebhookDelivery d where d.webhookId = :w", Long.class).setParameter("w", w.id()).getSingleResult();
        return new Page<>(items, total, paging.page(), paging.limit());
    }

    private Webhook find(String wsId, String webhookId) {
        if (!Ids.looksLike(Webhook.ID_PREFIX, webhookId)) {
            throw new NotFoundException("webhook", Shown.text(webhookId));
        }
        Webhook w = em.find(Webhook.class, webhookId);
        if (w == null || !w.workspaceId().equals(wsId)) {
            throw new NotFoundException("webhook", webhookId);
        }
        return w;
    }

    private static PageRequest paging(String page, String limit) {
        List<FieldError> errors = new ArrayList<>();
        PageRequest paging = PageRequest.parse(page, limit, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid", errors);
        }
        return paging;
    }
}
