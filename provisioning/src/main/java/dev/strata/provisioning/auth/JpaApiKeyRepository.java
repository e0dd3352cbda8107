package dev.strata.provisioning.auth;

import dev.strata.domain.auth.ApiKey;
import dev.strata.domain.auth.ApiKeyRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;

@ApplicationScoped
public class JpaApiKeyRepository implements ApiKeyRepository {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Override
    public Optional<ApiKey> findBySecretHash(String secretHash) {
        return em.createQuery("select k from ApiKey k where k.secretHash = :h", ApiKey.class)
                .setParameter("h", secretHash).getResultStream().findFirst();
    }

    @Override
    public void add(ApiKey key) {
        em.persist(key);
    }
}
