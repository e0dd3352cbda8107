package dev.strata.domain.project;

import dev.strata.domain.shared.Ids;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A project of a workspace; its databases and buckets share its lifecycle (sleep, teardown). */
@Entity
@Table(name = "strata_project")
public class Project {

    public static final String ID_PREFIX = "proj";

    @Id
    @Column(length = 40)
    private String id;

    @Version
    private long version;

    @Column(name = "workspace_id", nullable = false, length = 40)
    private String workspaceId;

    @Column(nullable = false, length = 200)
    private String name;

    private long generation;

    @Column(name = "sleep_requested", nullable = false)
    private boolean sleepRequested;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Project() {
    }

    public static Project create(String workspaceId, String name, Instant now) {
        Project p = new Project();
        p.id = Ids.next(ID_PREFIX);
        p.workspaceId = workspaceId;
        p.name = name;
        p.generation = 1;
        p.createdAt = now;
        p.updatedAt = now;
        return p;
    }

    /** The project sleeps: its databases stop (data kept); buckets stay live. */
    public void sleep(Instant now) {
        if (!sleepRequested) {
            sleepRequested = true;
            generation++;
            updatedAt = now;
        }
    }

    public void wake(Instant now) {
        if (sleepRequested) {
            sleepRequested = false;
            generation++;
            updatedAt = now;
        }
    }

    public boolean sleeping() {
        return sleepRequested;
    }

    public String id() {
        return id;
    }

    public String workspaceId() {
        return workspaceId;
    }

    public String name() {
        return name;
    }

    public long generation() {
        return generation;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
