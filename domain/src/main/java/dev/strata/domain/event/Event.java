package dev.strata.domain.event;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One thing that happened in a workspace (a database created, its status changed, a backup failed), recorded in
 * the same transaction as the change itself: an event exists exactly when the change committed. Never changed
 * afterwards; ids are ULIDs, so their order is the order events were recorded in.
 */
@Entity
@Table(name = "strata_event", indexes = {
        @Index(name = "ix_event_workspace_time", columnList = "workspace_id, occurred_at"),
        @Index(name = "ix_event_database", columnList = "database_id, id"),
        @Index(name = "ix_event_project", columnList = "project_id, id"),
        @Index(name = "ix_event_time", columnList = "occurred_at")})
public class Event extends WorkspaceOwned {

    public static final String ID_PREFIX = "evt";
    public static final int MESSAGE_MAX = 1000;

    @Enumerated(EnumType.STRING)
    @Column(name = "event_type", nullable = false, length = 40)
    private EventType type;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(name = "project_id", length = 40)
    private String projectId;

    @Column(name = "database_id", length = 40)
    private String databaseId;

    @Column(name = "backup_id", length = 40)
    private String backupId;

    @Column(nullable = false, length = MESSAGE_MAX)
    private String message;

    /** {@link EventData} as a JSON object. */
    @Column(name = "data_json", nullable = false, length = 4000)
    private String data;

    protected Event() {
    }

    public static Event record(EventType type, String workspaceId, String projectId, String databaseId, String backupId,
                               String message, EventData data, Instant now) {
        Event e = new Event();
        e.identify(ID_PREFIX, workspaceId, now);
        e.type = type;
        e.occurredAt = now;
        e.projectId = projectId;
        e.databaseId = databaseId;
        e.backupId = backupId;
        e.message = message.length() > MESSAGE_MAX ? message.substring(0, MESSAGE_MAX - 1) + "…" : message;
        String json = (data == null ? EventData.NONE : data).toJson();
        if (json.length() > 4000) {
            throw new IllegalArgumentException("event data too long: " + json.length() + " characters");
        }
        e.data = json;
        return e;
    }

    /**
     * Which deliveries of this event must go out one after the other: those about the same database, else the same
     * project, else the workspace.
     */
    public String orderingKey() {
        return databaseId != null ? databaseId : projectId != null ? projectId : workspaceId();
    }

    public EventType type() { return type; }
    public Instant occurredAt() { return occurredAt; }
    public String projectId() { return projectId; }
    public String databaseId() { return databaseId; }
    public String backupId() { return backupId; }
    public String message() { return message; }
    public EventData data() { return EventData.fromJson(data); }
}
