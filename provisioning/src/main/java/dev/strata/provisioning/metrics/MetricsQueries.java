package dev.strata.provisioning.metrics;

import dev.strata.domain.backup.BackupStatus;
import dev.strata.domain.database.DatabaseStatus;
import dev.strata.domain.database.Engine;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The scrape-time gauges' queries: one grouped query each, read-only, in a short transaction of their own. */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class MetricsQueries {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    /** Databases by engine and status, the combinations that exist. */
    public List<ScrapeFigures.DatabaseCount> databaseCounts() {
        List<ScrapeFigures.DatabaseCount> out = new ArrayList<>();
        for (Object[] row : em.createQuery("select d.engine, d.status, count(d) from Database d group by d.engine, d.status", Object[].class)
                .getResultList()) {
            out.add(new ScrapeFigures.DatabaseCount(((Engine) row[0]).wireName(), ((DatabaseStatus) row[1]).wireName(), ((Number) row[2]).longValue()));
        }
        return out;
    }

    /**
     * For each database that exists (not being deleted) with a finished backup: when its last completed backup
     * completed and when its last failed one failed.
     */
    public List<ScrapeFigures.BackupOutcome> backupOutcomes() {
        Map<String, Instant[]> times = new LinkedHashMap<>();
        Map<String, String> engines = new LinkedHashMap<>();
        for (Object[] row : em.createQuery("select b.databaseId, d.engine, b.status, max(b.completedAt) from Backup b, Database d"
                        + " where b.databaseId = d.id and d.deletionRequested = false and b.status in :finished and b.completedAt is not null"
                        + " group by b.databaseId, d.engine, b.status order by b.databaseId", Object[].class)
                .setParameter("finished", List.of(BackupStatus.COMPLETED, BackupStatus.FAILED))
                .getResultList()) {
            String id = (String) row[0];
            engines.put(id, ((Engine) row[1]).wireName());
            Instant[] t = times.computeIfAbsent(id, k -> new Instant[2]);
            t[row[2] == BackupStatus.COMPLETED ? 0 : 1] = instant(row[3]);
        }
        List<ScrapeFigures.BackupOutcome> out = new ArrayList<>();
        times.forEach((id, t) -> out.add(new ScrapeFigures.BackupOutcome(id, engines.get(id), t[0], t[1])));
        return out;
    }

    /** An aggregate over a converted attribute comes back as the column's type, not the attribute's. */
    static Instant instant(Object value) {
        if (value == null || value instanceof Instant) {
            return (Instant) value;
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof java.util.Date d) {
            return d.toInstant();
        }
        if (value instanceof LocalDateTime ldt) {
            return ldt.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        throw new IllegalStateException("not a point in time: " + value.getClass().getName());
    }
}
