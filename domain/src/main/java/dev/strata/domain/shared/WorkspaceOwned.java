package dev.strata.domain.shared;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * What every entity of a workspace has: a prefixed ULID id, an optimistic-lock version, the workspace it belongs to
 * and when it was created.
 */
@MappedSuperclass
public abstract class WorkspaceOwned {

    @Id
    @Column(length = 40)
    private String id;

    @Version
    private long version;

    @Column(name = "workspace_id", nullable = false, length = 40)
    private String workspaceId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected WorkspaceOwned() {
    }

    /** Called once by the entity's factory. */
    protected final void identify(String idPrefix, String workspaceId, Instant now) {
        this.id = Ids.next(idPrefix);
        this.workspaceId = workspaceId;
        this.createdAt = now;
    }

    public String id() {
        return id;
    }

    public String workspaceId() {
        return workspaceId;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
