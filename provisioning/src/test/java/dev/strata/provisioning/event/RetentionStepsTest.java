package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Event retention's deletes ({@link RetentionSteps#FINISHED_DELIVERIES}, {@link RetentionSteps#EVENTS}) and its batch
 * loop ({@link EventRetention#drain}) on a real PostgreSQL server (the one on 127.0.0.1:5432 the suite uses), each
 * batch in a transaction of its own as {@link RetentionSteps} runs them.
 */
class RetentionStepsTest {

    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String DB = "strata_retention_test_" + ProcessHandle.current().pid();
    private static final Instant NOW = Instant.now();
    private static final Instant BEFORE = NOW.minus(Duration.ofDays(90));
    private static final Instant OLD = NOW.minus(Duration.ofDays(100));
    private static final Instant RECENT = NOW.minus(Duration.ofDays(10));

    @BeforeEach
    void freshDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DB);
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // as EclipseLink creates them from Event and WebhookDelivery
            s.execute("CREATE TABLE strata_event (id VARCHAR(40) PRIMARY KEY, version BIGINT, workspace_id VARCHAR(40) NOT NULL,"
                    + " created_at TIMESTAMP NOT NULL, event_type VARCHAR(40) NOT NULL, occurred_at TIMESTAMP NOT NULL, project_id VARCHAR(40),"
                    + " database_id VARCHAR(40), backup_id VARCHAR(40), message VARCHAR(1000) NOT NULL, data_json VARCHAR(4000) NOT NULL)");
            s.execute("CREATE INDEX ix_event_time ON strata_event (occurred_at)");
            s.execute(DeliveryClaimTest.DELIVERY_TABLE);
            s.execute("CREATE INDEX ix_delivery_due ON strata_webhook_delivery (status, next_attempt_at)");
            s.execute("CREATE INDEX ix_delivery_created ON strata_webhook_delivery (created_at)");
        }
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + DB, "postgres", "postgres");
    }

    /** {@code count} events {@code prefix}00001… that occurred at {@code at}. */
    private static void events(Connection c, String prefix, int count, Instant at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata_event (id, version, workspace_id, created_at, event_type, occurred_at,"
                + " database_id, message, data_json) SELECT ? || lpad(g::text, 5, '0'), 1, 'ws_1', ?, 'DATABASE_CREATED', ?, 'db_x',"
                + " 'Database x was created', '{}' FROM generate_series(1, ?) g")) {
            ps.setString(1, prefix);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setInt(4, count);
            ps.executeUpdate();
        }
    }

    private static void event(Connection c, String id, Instant at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata_event (id, version, workspace_id, created_at, event_type, occurred_at,"
                + " database_id, message, data_json) VALUES (?, 1, 'ws_1', ?, 'DATABASE_CREATED', ?, 'db_x', 'Database x was created', '{}')")) {
            ps.setString(1, id);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setTimestamp(3, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    /** A delivery of {@code eventId}, queued at {@code at} (the event's time, as the outbox queues it). */
    private static void delivery(Connection c, String id, String eventId, String status, Instant at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata_webhook_delivery (id, version, workspace_id, created_at, webhook_id,"
                + " event_id, event_type, ordering_key, status, attempts, next_attempt_at) VALUES (?, 1, 'ws_1', ?, 'whk_a', ?,"
                + " 'DATABASE_CREATED', 'db_x', ?, 0, ?)")) {
            ps.setString(1, id);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, eventId);
            ps.setString(4, status);
            ps.setTimestamp(5, status.equals("PENDING") ? Timestamp.from(NOW.minusSeconds(1)) : null);
            ps.executeUpdate();
        }
    }

    /** One batch of {@code sql} (JPA's ?1 and ?2 as JDBC's) in a transaction of its own; how many rows it deleted. */
    private static int batch(Connection c, String sql, Instant before, int max) {
        try (PreparedStatement ps = c.prepareStatement(sql.replace("?1", "?").replace("?2", "?"))) {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.setInt(2, max);
            return ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@link EventRetention#prune} does: the finished deliveries, then the events, in batches; the rows deleted. */
    private static long prune(Connection c) {
        long deliveries = EventRetention.drain(max -> batch(c, RetentionSteps.FINISHED_DELIVERIES, BEFORE, max), () -> true);
        return deliveries + EventRetention.drain(max -> batch(c, RetentionSteps.EVENTS, BEFORE, max), () -> true);
    }

    private static List<String> ids(Connection c, String table) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static long count(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void oldEventsAndFinishedDeliveriesGoWhatIsRecentOrPendingStays() throws Exception {
        try (Connection c = connect()) {
            event(c, "evt_01_old", OLD);
            event(c, "evt_02_old_delivered", OLD);
            delivery(c, "dlv_02_succeeded", "evt_02_old_delivered", "SUCCEEDED", OLD);
            delivery(c, "dlv_02_failed", "evt_02_old_delivered", "FAILED", OLD);
            event(c, "evt_03_old_pending", OLD);
            delivery(c, "dlv_03_succeeded", "evt_03_old_pending", "SUCCEEDED", OLD);
            delivery(c, "dlv_03_pending", "evt_03_old_pending", "PENDING", OLD); // still retried (a long STRATA_WEBHOOK_GIVE_UP_HOURS)
            event(c, "evt_04_just_before", BEFORE.minusSeconds(60));
            event(c, "evt_05_recent", RECENT);
            delivery(c, "dlv_05_succeeded", "evt_05_recent", "SUCCEEDED", RECENT);
            delivery(c, "dlv_05_pending", "evt_05_recent", "PENDING", RECENT);
            event(c, "evt_06_just_after", BEFORE.plusSeconds(60));

            assertThat(prune(c)).isEqualTo(3 + 3);
            assertThat(ids(c, "strata_event")).containsExactlyInAnyOrder("evt_03_old_pending", "evt_05_recent", "evt_06_just_after");
            assertThat(ids(c, "strata_webhook_delivery")).containsExactlyInAnyOrder("dlv_03_pending", "dlv_05_pending", "dlv_05_succeeded");

            // the pending delivery is still claimed, and its event (which the dispatcher reads to send it) is there
            try (PreparedStatement ps = c.prepareStatement(DeliverySteps.DUE.replace("?1", "?").replace("?2", "?"))) {
                ps.setTimestamp(1, Timestamp.from(NOW));
                ps.setTimestamp(2, Timestamp.from(NOW));
                ps.setInt(3, 10);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("dlv_03_pending");
                }
            }

            // once it is given up, the next run deletes it and then its event; nothing else changes
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE strata_webhook_delivery SET status = 'FAILED', next_attempt_at = NULL WHERE id = 'dlv_03_pending'");
            }
            assertThat(prune(c)).isEqualTo(2);
            assertThat(ids(c, "strata_event")).containsExactlyInAnyOrder("evt_05_recent", "evt_06_just_after");
            assertThat(ids(c, "strata_webhook_delivery")).containsExactlyInAnyOrder("dlv_05_pending", "dlv_05_succeeded");
            assertThat(prune(c)).isZero();
        }
    }

    @Test
    void aBacklogGoesInBatchesOfAThousandEachCommittedOnItsOwn() throws Exception {
        try (Connection c = connect(); Connection other = connect()) {
            events(c, "evt_old_", 2500, OLD);
            events(c, "evt_new_", 3, RECENT);
            List<Integer> batches = new ArrayList<>();
            List<Long> seenByOthers = new ArrayList<>();
            long deleted = EventRetention.drain(max -> {
                int n = batch(c, RetentionSteps.EVENTS, BEFORE, max);
                batches.add(n);
                try {
                    seenByOthers.add(count(other, "strata_event")); // committed: another connection sees it at once
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return n;
            }, () -> true);
            assertThat(deleted).isEqualTo(2500);
            assertThat(batches).containsExactly(1000, 1000, 500);
            assertThat(seenByOthers).containsExactly(1503L, 503L, 3L);
            assertThat(ids(c, "strata_event")).containsExactlyInAnyOrder("evt_new_00001", "evt_new_00002", "evt_new_00003");
        }
    }

    @Test
    void theLoopStopsBetweenBatchesWhenToldAndEndsWhenWhatIsLeftIsKept() throws Exception {
        try (Connection c = connect()) {
            events(c, "evt_old_", 2500, OLD);
            // told to stop (Strata stopping, the lease lost) after the first batch: the rest waits for the next run
            AtomicInteger runs = new AtomicInteger();
            assertThat(EventRetention.drain(max -> {
                runs.incrementAndGet();
                return batch(c, RetentionSteps.EVENTS, BEFORE, max);
            }, () -> runs.get() < 1)).isEqualTo(1000);
            assertThat(count(c, "strata_event")).isEqualTo(1500);

            // 1200 of the old events wait for a pending delivery: kept, and the run ends instead of looping on them
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO strata_webhook_delivery (id, version, workspace_id, created_at, webhook_id, event_id, event_type,"
                        + " ordering_key, status, attempts, next_attempt_at) SELECT 'dlv_' || e.id, 1, 'ws_1', e.occurred_at, 'whk_a', e.id,"
                        + " e.event_type, 'db_x', 'PENDING', 3, now() FROM strata_event e ORDER BY e.id DESC LIMIT 1200");
            }
            assertThat(prune(c)).isEqualTo(300);
            assertThat(count(c, "strata_event")).isEqualTo(1200);
            assertThat(count(c, "strata_webhook_delivery")).isEqualTo(1200);
        }
    }
}
