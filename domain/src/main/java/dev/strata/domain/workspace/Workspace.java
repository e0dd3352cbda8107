package dev.strata.domain.workspace;

import dev.strata.domain.shared.Ids;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** The tenant boundary: an API key sees its own workspace and nothing else. */
@Entity
@Table(name = "strata_workspace")
public class Workspace {

    public static final String ID_PREFIX = "ws";

    @Id
    @Column(length = 40)
    private String id;

    @Version
    private long version;

    @Column(nullable = false, length = 200)
    private String name;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Workspace() {
    }

    public static Workspace named(String name, Instant now) {
        Workspace w = new Workspace();
        w.id = Ids.next(ID_PREFIX);
        w.name = name;
        w.createdAt = now;
        return w;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
