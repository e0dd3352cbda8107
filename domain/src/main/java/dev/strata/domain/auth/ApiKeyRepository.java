package dev.strata.domain.auth;

import java.util.Optional;

/** Port: where API keys are kept. */
public interface ApiKeyRepository {

    Optional<ApiKey> findBySecretHash(String secretHash);

    void add(ApiKey key);

    /** A workspace's keys, newest first, revoked ones included. */
    java.util.List<ApiKey> ofWorkspace(String workspaceId);

    java.util.Optional<ApiKey> find(String workspaceId, String keyId);

    /** Forgets a key (only a revoked one is ever removed). */
    void remove(ApiKey key);
}
