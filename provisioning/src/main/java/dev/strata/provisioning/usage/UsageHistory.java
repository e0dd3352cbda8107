package dev.strata.provisioning.usage;

import dev.strata.domain.backup.BackupStatus;
import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabaseStatus;
import dev.strata.domain.event.EventType;
import dev.strata.domain.usage.UsageMetric;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.project.Projects;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The charts of the dashboard, from what Strata records: usage samples ({@link UsageSampler}), the event log
 * (restarts) and the backups table. Each answer is checked against the caller's workspace first (404 otherwise).
 */
@Stateless
public class UsageHistory {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Inject
    UsageSamples samples;

    @Inject
    Databases databases;

    @Inject
    Projects projects;

    /** Storage used, client connections, restarts and backups of a database over the range ending {@code now}. */
    public List<UsageChart> ofDatabase(Caller caller, String workspaceId, String databaseId, UsageRange range, Instant now) {
        Database db = databases.get(caller, workspaceId, databaseId);
        Instant start = range.start(now);
        List<Instant> ends = range.ends(now);
        List<UsageChart> out = new ArrayList<>();

        List<Long> storage = new ArrayList<>(SeriesMath.valuesAt(samples.series(db.id(), UsageMetric.STORAGE_USED_BYTES, start), ends));
        if (db.storageUsedBytes() != null) {
            storage.set(storage.size() - 1, db.storageUsedBytes()); // the last end is now: what the reconciler last saw
        }
        out.add(new UsageChart("storage", "Storage used", UsageChart.Kind.LINE, UsageChart.Unit.BYTES, ends,
                List.of(new UsageChart.Series("Storage used", storage))));

        out.add(new UsageChart("connections", "Client connections", UsageChart.Kind.LINE, UsageChart.Unit.COUNT, ends,
                List.of(new UsageChart.Series("Client connections",
                        SeriesMath.valuesAt(samples.series(db.id(), UsageMetric.CLIENT_CONNECTIONS, start), ends)))));

        List<Instant> restarts = em.createQuery("select e.occurredAt from Event e where e.databaseId = :db and e.type = :type"
                        + " and e.occurredAt > :start", Object.class)
                .setParameter("db", db.id()).setParameter("type", EventType.DATABASE_RESTARTED).setParameter("start", start).getResultList()
                .stream().map(UsageHistory::instant).toList();
        out.add(new UsageChart("restarts", "Restarts", UsageChart.Kind.BAR, UsageChart.Unit.COUNT, ends,
                List.of(new UsageChart.Series("Restarts", SeriesMath.countsIn(restarts, start, ends)))));

        List<Instant> completed = new ArrayList<>();
        List<Instant> failed = new ArrayList<>();
        for (Object[] row : em.createQuery("select b.status, b.completedAt from Backup b where b.databaseId = :db and b.completedAt > :start",
                Object[].class).setParameter("db", db.id()).setParameter("start", start).getResultList()) {
            (row[0] == BackupStatus.FAILED ? failed : completed).add(instant(row[1]));
        }
        out.add(new UsageChart("backups", "Backups", UsageChart.Kind.BAR, UsageChart.Unit.COUNT, ends,
                List.of(new UsageChart.Series("Completed", SeriesMath.countsIn(completed, start, ends)),
                        new UsageChart.Series("Failed", SeriesMath.countsIn(failed, start, ends)))));
        return out;
    }

    /** The bytes in a project's buckets over the range. */
    public UsageChart ofProject(Caller caller, String projectId, UsageRange range, Instant now) {
        String id = projects.get(caller, projectId).id();
        List<Instant> ends = range.ends(now);
        return new UsageChart("objectStorage", "Object storage used", UsageChart.Kind.LINE, UsageChart.Unit.BYTES, ends,
                List.of(new UsageChart.Series("Object storage used",
                        SeriesMath.valuesAt(samples.series(id, UsageMetric.OBJECT_STORAGE_BYTES, range.start(now)), ends))));
    }

    /** The workspace's databases per status over the range; the last end is counted now. */
    public UsageChart statusOverTime(Caller caller, UsageRange range, Instant now) {
        String ws = caller.workspaceId();
        List<Instant> ends = range.ends(now);
        Map<DatabaseStatus, Long> current = new EnumMap<>(DatabaseStatus.class);
        for (Object[] row : em.createQuery("select d.status, count(d) from Database d where d.workspaceId = :ws group by d.status",
                Object[].class).setParameter("ws", ws).getResultList()) {
            current.put((DatabaseStatus) row[0], (Long) row[1]);
        }
        List<List<Long>> values = new ArrayList<>();
        boolean anyKnown = false;
        for (DatabaseStatus status : DatabaseStatus.values()) {
            List<Long> v = new ArrayList<>(SeriesMath.valuesAt(samples.series(ws, UsageMetric.databases(status), range.start(now)), ends));
            v.set(v.size() - 1, current.getOrDefault(status, 0L));
            anyKnown |= v.stream().anyMatch(x -> x != null && x != 0);
            values.add(v);
        }
        List<UsageChart.Series> series = new ArrayList<>();
        for (DatabaseStatus status : DatabaseStatus.values()) {
            List<Long> v = values.get(status.ordinal());
            // once any count is known, a status without a sample had none of the databases: 0, not unknown
            series.add(new UsageChart.Series(status.wireName(), anyKnown ? zeroWhereOthersKnown(v, values)
                    : java.util.Collections.nCopies(v.size(), (Long) null))); // never any database: nothing to draw
        }
        return new UsageChart("statuses", "Databases by status", UsageChart.Kind.LINE, UsageChart.Unit.COUNT, ends, series);
    }

    /** A selected time column: converted by InstantConverter, or the JDBC timestamp where a provider hands that back. */
    private static Instant instant(Object value) {
        return value instanceof java.sql.Timestamp t ? t.toInstant() : (Instant) value;
    }

    private static List<Long> zeroWhereOthersKnown(List<Long> own, List<List<Long>> all) {
        List<Long> out = new ArrayList<>(own);
        for (int i = 0; i < out.size(); i++) {
            int k = i;
            if (out.get(i) == null && all.stream().anyMatch(v -> v.get(k) != null)) {
                out.set(i, 0L);
            }
        }
        return out;
    }
}
