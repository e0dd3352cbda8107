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

    @Override
    public java.util.List<ApiKey> ofWorkspace(String workspaceId) {
        return em.createQuery("select k from ApiKey k where k.workspaceId = :ws order by k.id desc", ApiKey.class)
                .setParameter("ws", workspaceId).getResultList();
    }

    @Override
    public Optional<ApiKey> find(String workspaceId, String keyId) {
        return Optional.ofNullable(em.find(ApiKey.class, keyId)).filter(k -> k.workspaceId().equals(workspaceId));
    }

    @Override
    public void remove(ApiKey key) {
        em.remove(key);
    }
}
