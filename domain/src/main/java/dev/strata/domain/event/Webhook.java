package dev.strata.domain.event;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A URL of the workspace's that receives its events as signed HTTP POSTs. {@code events} is the set of event types
 * it wants, or {@code *} for all. Its signing secret is kept sealed by the master key (it must be recoverable to
 * sign, so it is not hashed) and shown once, when the webhook is created.
 */
@Entity
@Table(name = "strata_webhook", indexes = @Index(name = "ix_webhook_workspace", columnList = "workspace_id, id"))
public class Webhook extends WorkspaceOwned {

    public static final String ID_PREFIX = "whk";
    public static final String ALL = "*";
    public static final int URL_MAX = 2048;
    public static final int DESCRIPTION_MAX = 200;

    @Column(nullable = false, length = URL_MAX)
    private String url;

    /** Wire names joined by commas, or {@code *}. */
    @Column(name = "event_types", nullable = false, length = 1000)
    private String events;

    @Column(length = DESCRIPTION_MAX)
    private String description;

    @Column(name = "secret_sealed", nullable = false, length = 512)
    private String secretSealed;

    protected Webhook() {
    }

    /** {@code types} empty means all events ({@code *}). */
    public static Webhook create(String workspaceId, String url, Set<EventType> types, String description, String secretSealed, Instant now) {
        Webhook w = new Webhook();
        w.identify(ID_PREFIX, workspaceId, now);
        w.url = url;
        w.events = types.isEmpty() ? ALL : Arrays.stream(EventType.values()).filter(types::contains).map(EventType::wireName)
                .collect(Collectors.joining(","));
        w.description = description;
        w.secretSealed = secretSealed;
        return w;
    }

    public boolean wants(EventType type) {
        return ALL.equals(events) || List.of(events.split(",")).contains(type.wireName());
    }

    /** {@code ["*"]} or the wire names, in the order of {@link EventType}. */
    public List<String> events() {
        return List.of(events.split(","));
    }

    public String url() { return url; }
    public String description() { return description; }
    public String secretSealed() { return secretSealed; }
}
