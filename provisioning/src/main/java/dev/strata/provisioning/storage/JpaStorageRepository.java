package dev.strata.provisioning.storage;

import dev.strata.domain.shared.Ids;
import dev.strata.domain.storage.Bucket;
import dev.strata.domain.storage.BucketName;
import dev.strata.domain.storage.StorageKey;
import dev.strata.domain.storage.StorageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class JpaStorageRepository implements StorageRepository {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Override
    public List<Bucket> buckets(String workspaceId, String projectId) {
        String q = "select b from Bucket b where b.workspaceId = :ws and b.deletingSince is null"
                + (projectId == null ? "" : " and b.projectId = :p") + " order by b.id";
        var query = em.createQuery(q, Bucket.class).setParameter("ws", workspaceId);
        if (projectId != null) {
            query.setParameter("p", projectId);
        }
        return query.getResultList();
    }

    @Override
    public Optional<Bucket> bucket(String workspaceId, String bucketId) {
        if (!Ids.looksLike(Bucket.ID_PREFIX, bucketId)) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(Bucket.class, bucketId)).filter(b -> b.workspaceId().equals(workspaceId) && !b.deleting());
    }

    @Override
    public List<Bucket> allBucketsOf(String projectId) {
        return em.createQuery("select b from Bucket b where b.projectId = :p order by b.id", Bucket.class).setParameter("p", projectId).getResultList();
    }

    @Override
    public List<Bucket> liveBuckets() {
        return em.createQuery("select b from Bucket b where b.deletingSince is null order by b.projectId, b.id", Bucket.class).getResultList();
    }

    @Override
    public List<String> deletingBuckets() {
        return em.createQuery("select b.id from Bucket b where b.deletingSince is not null order by b.id", String.class).getResultList();
    }

    @Override
    public Optional<Bucket> lockBucket(String bucketId) {
        return Optional.ofNullable(em.find(Bucket.class, bucketId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE));
    }

    @Override
    public boolean everHadKeys(String projectId) {
        return em.createQuery("select count(k) from StorageKey k where k.projectId = :p", Long.class).setParameter("p", projectId)
                .getSingleResult() > 0;
    }

    @Override
    public Optional<StorageKey> usableKey(String accessKeyId) {
        return em.createQuery("select k from StorageKey k, Project p where k.accessKeyId = :a and k.revokedAt is null"
                        + " and p.id = k.projectId and p.deletingSince is null", StorageKey.class)
                .setParameter("a", accessKeyId).getResultStream().findFirst();
    }

    @Override
    public boolean bucketNameTaken(String projectId, BucketName name) {
        return em.createQuery("select count(b) from Bucket b where b.projectId = :p and b.name = :n", Long.class)
                .setParameter("p", projectId).setParameter("n", name.value()).getSingleResult() > 0;
    }

    @Override
    public void add(Bucket bucket) {
        em.persist(bucket);
    }

    @Override
    public void remove(Bucket bucket) {
        em.remove(em.contains(bucket) ? bucket : em.merge(bucket));
    }

    @Override
    public List<StorageKey> activeKeys(String projectId) {
        return em.createQuery("select k from StorageKey k where k.projectId = :p and k.revokedAt is null order by k.id", StorageKey.class)
                .setParameter("p", projectId).getResultList();
    }

    @Override
    public Optional<StorageKey> keyByAccessKeyId(String accessKeyId) {
        return em.createQuery("select k from StorageKey k where k.accessKeyId = :a", StorageKey.class)
                .setParameter("a", accessKeyId).getResultStream().findFirst();
    }

    @Override
    public void add(StorageKey key) {
        em.persist(key);
    }
}
