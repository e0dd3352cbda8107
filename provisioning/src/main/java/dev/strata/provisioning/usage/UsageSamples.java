package dev.strata.provisioning.usage;

import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabaseStatus;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.usage.UsageMetric;
import dev.strata.domain.usage.UsageSample;
import dev.strata.provisioning.secrets.SecretBox;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The sampler's few transactions: read what to measure (one read each), store every change of a tick (one write). */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class UsageSamples {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Inject
    SecretBox secrets;

    /** The last stored sample of each series (value and when). */
    public record Stored(long value, Instant at) {
    }

    /** A ready, awake database whose server may be asked for its client count. */
    public record Awake(String id, String workspaceId, Engine engine, InstanceSpec spec) {
    }

    /** The latest sample of every series still kept. */
    public Map<ChangeOnly.Key, Stored> latest() {
        Map<ChangeOnly.Key, Stored> out = new HashMap<>();
        for (UsageSample s : em.createQuery("select s from UsageSample s where s.createdAt = (select max(t.createdAt) from UsageSample t"
                + " where t.subjectId = s.subjectId and t.metric = s.metric)", UsageSample.class).getResultList()) {
            out.put(new ChangeOnly.Key(s.workspaceId(), s.subjectId(), s.metric()), new Stored(s.value(), s.at()));
        }
        return out;
    }

    /**
     * What the metadata database knows now: storage each database uses (as the reconciler last observed it) and each
     * workspace's databases per status.
     */
    public Map<ChangeOnly.Key, Long> recorded() {
        Map<ChangeOnly.Key, Long> out = new HashMap<>();
        for (Object[] row : em.createQuery("select d.id, d.workspaceId, d.storageUsedBytes from Database d where d.deletionRequested = false"
                + " and d.storageUsedBytes is not null", Object[].class).getResultList()) {
            out.put(new ChangeOnly.Key((String) row[1], (String) row[0], UsageMetric.STORAGE_USED_BYTES), (Long) row[2]);
        }
        for (Object[] row : em.createQuery("select d.id, d.workspaceId from Database d where d.status = :sleeping", Object[].class)
                .setParameter("sleeping", DatabaseStatus.SLEEPING).getResultList()) {
            // a sleeping server has no clients (and is not woken to be asked)
            out.put(new ChangeOnly.Key((String) row[1], (String) row[0], UsageMetric.CLIENT_CONNECTIONS), 0L);
        }
        for (Object[] row : em.createQuery("select d.workspaceId, d.status, count(d) from Database d group by d.workspaceId, d.status",
                Object[].class).getResultList()) {
            out.put(new ChangeOnly.Key((String) row[0], (String) row[0], UsageMetric.databases((DatabaseStatus) row[1])), (Long) row[2]);
        }
        return out;
    }

    /** Ready databases that are not asked to sleep or go: only their servers are asked how many clients they have. */
    public List<Awake> awake() {
        List<Awake> out = new ArrayList<>();
        for (Database d : em.createQuery("select d from Database d where d.status = :ready and d.sleepRequested = false"
                + " and d.deletionRequested = false", Database.class).setParameter("ready", DatabaseStatus.READY).getResultList()) {
            out.add(new Awake(d.id(), d.workspaceId(), d.engine(), d.spec(secrets.open(d.passwordSealed()), secrets.open(d.adminPasswordSealed()))));
        }
        return out;
    }

    /** The workspace of each project. */
    public Map<String, String> projectWorkspaces(Collection<String> projectIds) {
        Map<String, String> out = new HashMap<>();
        if (projectIds.isEmpty()) {
            return out;
        }
        for (Object[] row : em.createQuery("select p.id, p.workspaceId from Project p where p.id in :ids", Object[].class)
                .setParameter("ids", projectIds).getResultList()) {
            out.put((String) row[0], (String) row[1]);
        }
        return out;
    }

    /** Stores the tick's samples and drops those from before {@code pruneBefore} (when not null), in one transaction. */
    public void store(Map<ChangeOnly.Key, Long> samples, Instant at, Instant pruneBefore) {
        samples.forEach((k, v) -> em.persist(UsageSample.of(k.workspaceId(), k.subjectId(), k.metric(), v, at)));
        if (pruneBefore == null) {
            return;
        }
        em.createQuery("delete from UsageSample s where s.createdAt < :before").setParameter("before", pruneBefore).executeUpdate();
    }

    /** A series' samples from {@code from} on, with the one before it (the value the range starts with). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<SeriesMath.Sample> series(String subjectId, UsageMetric metric, Instant from) {
        List<SeriesMath.Sample> out = new ArrayList<>();
        em.createQuery("select s from UsageSample s where s.subjectId = :subject and s.metric = :metric and s.createdAt < :from"
                        + " order by s.createdAt desc", UsageSample.class)
                .setParameter("subject", subjectId).setParameter("metric", metric).setParameter("from", from).setMaxResults(1)
                .getResultList().forEach(s -> out.add(new SeriesMath.Sample(s.at(), s.value())));
        em.createQuery("select s from UsageSample s where s.subjectId = :subject and s.metric = :metric and s.createdAt >= :from",
                        UsageSample.class)
                .setParameter("subject", subjectId).setParameter("metric", metric).setParameter("from", from)
                .getResultList().forEach(s -> out.add(new SeriesMath.Sample(s.at(), s.value())));
        return out;
    }
}
