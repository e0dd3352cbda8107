package dev.strata.domain.auth;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/** A person who signs in to the dashboard; belongs to one workspace. Only a salted PBKDF2 hash is kept. */
@Entity
@Table(name = "strata_user")
public class User extends WorkspaceOwned {

    public static final String ID_PREFIX = "usr";

    @Column(nullable = false, unique = true, length = 100)
    private String username;

    @Column(name = "password_hash", nullable = false, length = 400)
    private String passwordHash;

    protected User() {
    }

    public static User create(String workspaceId, String username, String passwordHash, Instant now) {
        User u = new User();
        u.identify(ID_PREFIX, workspaceId, now);
        u.username = username;
        u.passwordHash = passwordHash;
        return u;
    }

    public String username() { return username; }
    public String passwordHash() { return passwordHash; }
}
