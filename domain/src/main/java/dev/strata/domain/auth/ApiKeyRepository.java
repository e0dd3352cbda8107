package dev.strata.domain.auth;

import java.util.Optional;

/** Port: where API keys are kept. */
public interface ApiKeyRepository {

    Optional<ApiKey> findBySecretHash(String secretHash);

    void add(ApiKey key);
}
