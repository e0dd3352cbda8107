package dev.strata.provisioning.backup;

import dev.strata.domain.backup.Backup;
import dev.strata.domain.backup.BackupPolicy;
import dev.strata.domain.backup.BackupRepository;
import dev.strata.domain.backup.BackupStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class JpaBackupRepository implements BackupRepository {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Override
    public Optional<Backup> find(String workspaceId, String id) {
        return findById(id).filter(b -> b.workspaceId().equals(workspaceId) && !b.deletionRequested());
    }

    @Override
    public Optional<Backup> findById(String id) {
        return Optional.ofNullable(em.find(Backup.class, id));
    }

    private String where(String databaseId, BackupStatus status) {
        return " from Backup b where b.workspaceId = :ws and b.deletionRequested = false" + (databaseId == null ? "" : " and b.databaseId = :db")
                + (status == null ? "" : " and b.status = :status");
    }

    private <T> TypedQuery<T> bind(TypedQuery<T> q, String workspaceId, String databaseId, BackupStatus status) {
        q.setParameter("ws", workspaceId);
        if (databaseId != null) {
            q.setParameter("db", databaseId);
        }
        if (status != null) {
            q.setParameter("status", status);
        }
        return q;
    }

    @Override
    public List<Backup> list(String workspaceId, String databaseId, BackupStatus status, int offset, int limit) {
        // ids are ULIDs: in creation order
        return bind(em.createQuery("select b" + where(databaseId, status) + " order by b.id desc", Backup.class), workspaceId, databaseId, status)
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    @Override
    public long count(String workspaceId, String databaseId, BackupStatus status) {
        return bind(em.createQuery("select count(b)" + where(databaseId, status), Long.class), workspaceId, databaseId, status).getSingleResult();
    }

    @Override
    public List<String> idsWithStatus(BackupStatus status) {
        return em.createQuery("select b.id from Backup b where b.status = :s and b.deletionRequested = false order by b.id", String.class)
                .setParameter("s", status).getResultList();
    }

    @Override
    public List<String> deletionsPending() {
        return em.createQuery("select b.id from Backup b where b.deletionRequested = true order by b.id", String.class).getResultList();
    }

    @Override
    public List<Backup> expired(Instant now) {
        return em.createQuery("select b from Backup b where b.expiresAt is not null and b.expiresAt < :now and b.deletionRequested = false order by b.id", Backup.class)
                .setParameter("now", now).getResultList();
    }

    @Override
    public Optional<Backup> newestCompleted(String databaseId) {
        return em.createQuery("select b from Backup b where b.databaseId = :db and b.status = :s and b.deletionRequested = false order by b.id desc", Backup.class)
                .setParameter("db", databaseId).setParameter("s", BackupStatus.COMPLETED).setMaxResults(1).getResultList().stream().findFirst();
    }

    @Override
    public List<Backup> completedOf(String databaseId) {
        return em.createQuery("select b from Backup b where b.databaseId = :db and b.status = :s and b.deletionRequested = false order by b.id desc", Backup.class)
                .setParameter("db", databaseId).setParameter("s", BackupStatus.COMPLETED).getResultList();
    }

    @Override
    public boolean inProgress(String databaseId) {
        return !em.createQuery("select b.id from Backup b where b.databaseId = :db and b.status in :s and b.deletionRequested = false", String.class)
                .setParameter("db", databaseId).setParameter("s", List.of(BackupStatus.PENDING, BackupStatus.RUNNING))
                .setMaxResults(1).getResultList().isEmpty();
    }

    @Override
    public void add(Backup backup) {
        em.persist(backup);
    }

    @Override
    public void remove(Backup backup) {
        em.remove(em.contains(backup) ? backup : em.merge(backup));
    }

    @Override
    public Optional<BackupPolicy> policy(String databaseId) {
        return Optional.ofNullable(em.find(BackupPolicy.class, databaseId));
    }

    @Override
    public List<BackupPolicy> duePolicies(Instant now) {
        return em.createQuery("select p from BackupPolicy p where p.enabled = true and p.nextRunAt is not null and p.nextRunAt <= :now",
                BackupPolicy.class).setParameter("now", now).getResultList();
    }

    @Override
    public void add(BackupPolicy policy) {
        em.persist(policy);
    }

    @Override
    public void remove(BackupPolicy policy) {
        em.remove(em.contains(policy) ? policy : em.merge(policy));
    }
}
