package dev.strata.domain.auth;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A bearer key of one workspace. Only a SHA-256 hash of the secret is kept (keys are long random strings,
 * so a fast hash is enough and lets a request find its key in one indexed lookup); the plain key is shown once.
 */
@Entity
@Table(name = "strata_api_key")
public class ApiKey extends WorkspaceOwned {

    public static final String ID_PREFIX = "key";

    @Column(nullable = false, length = 200)
    private String name;

    /** The first characters of the key, safe to show so a user can tell keys apart. */
    @Column(name = "display_prefix", nullable = false, length = 24)
    private String displayPrefix;

    @Column(name = "secret_hash", nullable = false, unique = true, length = 64)
    private String secretHash;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected ApiKey() {
    }

    public static ApiKey issue(String workspaceId, String name, String displayPrefix, String secretHash, Instant now) {
        ApiKey k = new ApiKey();
        k.identify(ID_PREFIX, workspaceId, now);
        k.name = name;
        k.displayPrefix = displayPrefix;
        k.secretHash = secretHash;
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

    public String name() {
        return name;
    }

    public String displayPrefix() {
        return displayPrefix;
    }

    public Instant revokedAt() {
        return revokedAt;
    }
}
