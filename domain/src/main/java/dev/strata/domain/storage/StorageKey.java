package dev.strata.domain.storage;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A project's S3 credential: an access key id (public) and a secret, stored sealed. Revoked keys are kept (with
 * their time of revocation) so that the object store can refuse them.
 */
@Entity
@Table(name = "strata_storage_key")
public class StorageKey extends WorkspaceOwned {

    public static final String ID_PREFIX = "skey";

    @Column(name = "project_id", nullable = false, length = 40)
    private String projectId;

    @Column(name = "access_key_id", nullable = false, unique = true, length = 40)
    private String accessKeyId;

    @Column(name = "secret_sealed", nullable = false, length = 512)
    private String secretSealed;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected StorageKey() {
    }

    public static StorageKey mint(String workspaceId, String projectId, String accessKeyId, String secretSealed, Instant now) {
        StorageKey k = new StorageKey();
        k.identify(ID_PREFIX, workspaceId, now);
        k.projectId = projectId;
        k.accessKeyId = accessKeyId;
        k.secretSealed = secretSealed;
        return k;
    }

    public void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
    }

    public boolean isActive() { return revokedAt == null; }
    public String projectId() { return projectId; }
    public String accessKeyId() { return accessKeyId; }
    public String secretSealed() { return secretSealed; }
    public Instant revokedAt() { return revokedAt; }
}
