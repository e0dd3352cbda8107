package dev.strata.provisioning.event;

import dev.strata.domain.event.EventType;
import java.time.Instant;

/** What an event query narrows to; a null field does not narrow. */
public record EventFilter(String workspaceId, String databaseId, String projectId, EventType type, Instant since) {

    /** The JPQL condition on {@code e} for this filter (parameters bound by {@link #bind}). */
    String where() {
        StringBuilder q = new StringBuilder(" from Event e where e.workspaceId = :ws");
        if (databaseId != null) {
            q.append(" and e.databaseId = :db");
        }
        if (projectId != null) {
            q.append(" and e.projectId = :proj");
        }
        if (type != null) {
            q.append(" and e.type = :type");
        }
        if (since != null) {
            q.append(" and e.occurredAt >= :since");
        }
        return q.toString();
    }

    <T extends jakarta.persistence.Query> T bind(T q) {
        q.setParameter("ws", workspaceId);
        if (databaseId != null) {
            q.setParameter("db", databaseId);
        }
        if (projectId != null) {
            q.setParameter("proj", projectId);
        }
        if (type != null) {
            q.setParameter("type", type);
        }
        if (since != null) {
            q.setParameter("since", since);
        }
        return q;
    }
}
