package dev.strata.domain.auth;

import dev.strata.domain.shared.Ids;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A bearer key of one workspace. Only a SHA-256 hash of the secret is kept (keys are long random strings,
 * so a fast hash is enough and lets a request find its key in one indexed lookup); the plain key is shown once.
 */
@Entity
@Table(name = "strata_api_key")
public class ApiKey {

    public static final String ID_PREFIX = "key";

    @Id
    @Column(length = 40)
    private String id;

    @Version
    private long version;

    @Column(name = "workspace_id", nullable = false, length = 40)
    private String workspaceId;

    @Column(nullable = false, length = 200)
    private String name;

    /** The first characters of the key, safe to show so a user can tell keys apart. */
    @Column(name = "display_prefix", nullable = false, length = 24)
    private String displayPrefix;

    @Column(name = "secret_hash", nullable = false, unique = true, length = 64)
    private String secretHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected ApiKey() {
    }

    public static ApiKey issue(String workspaceId, String name, String displayPrefix, String secretHash, Instant now) {
        ApiKey k = new ApiKey();
        k.id = Ids.next(ID_PREFIX);
        k.workspaceId = workspaceId;
        k.name = name;
        k.displayPrefix = displayPrefix;
        k.secretHash = secretHash;
        k.createdAt = now;
        return k;
    }

    public void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
    }

    public boolean isActive() {
        return revokedAt == null;
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

    public String displayPrefix() {
        return displayPrefix;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant revokedAt() {
        return revokedAt;
    }
}
