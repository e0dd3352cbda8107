package dev.strata.domain.auth;

import dev.strata.domain.shared.Ids;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A person who signs in to the dashboard; belongs to one workspace. Only a salted PBKDF2 hash is kept. */
@Entity
@Table(name = "strata_user")
public class User {

    public static final String ID_PREFIX = "usr";

    @Id
    @Column(length = 40)
    private String id;

    @Version
    private long version;

    @Column(name = "workspace_id", nullable = false, length = 40)
    private String workspaceId;

    @Column(nullable = false, unique = true, length = 100)
    private String username;

    @Column(name = "password_hash", nullable = false, length = 400)
    private String passwordHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected User() {
    }

    public static User create(String workspaceId, String username, String passwordHash, Instant now) {
        User u = new User();
        u.id = Ids.next(ID_PREFIX);
        u.workspaceId = workspaceId;
        u.username = username;
        u.passwordHash = passwordHash;
        u.createdAt = now;
        return u;
    }

    public String id() { return id; }
    public String workspaceId() { return workspaceId; }
    public String username() { return username; }
    public String passwordHash() { return passwordHash; }
    public Instant createdAt() { return createdAt; }
}
