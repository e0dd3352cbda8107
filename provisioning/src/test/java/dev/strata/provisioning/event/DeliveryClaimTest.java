package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's claim query ({@link DeliverySteps#DUE}) on a real PostgreSQL server (the one on 127.0.0.1:5432 the
 * suite uses): due deliveries first in line per webhook and ordering key, leases respected, and rows another
 * claimant holds skipped.
 */
class DeliveryClaimTest {

    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String DB = "strata_delivery_claim_test_" + ProcessHandle.current().pid();
    private static final Instant NOW = Instant.now();
    /** The delivery table as EclipseLink creates it from WebhookDelivery (RetentionStepsTest uses it too). */
    static final String DELIVERY_TABLE = "CREATE TABLE strata_webhook_delivery (id VARCHAR(40) PRIMARY KEY, version BIGINT, workspace_id VARCHAR(40) NOT NULL,"
            + " created_at TIMESTAMP NOT NULL, webhook_id VARCHAR(40) NOT NULL, event_id VARCHAR(40) NOT NULL, event_type VARCHAR(40) NOT NULL,"
            + " ordering_key VARCHAR(40) NOT NULL, status VARCHAR(20) NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TIMESTAMP,"
            + " first_attempt_at TIMESTAMP, last_attempt_at TIMESTAMP, last_status_code INTEGER, last_error VARCHAR(500),"
            + " lease_until TIMESTAMP, lease_holder VARCHAR(80))";

    @BeforeEach
    void freshDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DB);
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // as EclipseLink creates it from WebhookDelivery
            s.execute(DELIVERY_TABLE);
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

    private static void insert(Connection c, String id, String webhook, String key, String status, Instant next, Instant leaseUntil) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata_webhook_delivery (id, version, workspace_id, created_at, webhook_id,"
                + " event_id, event_type, ordering_key, status, attempts, next_attempt_at, lease_until) VALUES (?, 1, 'ws_1', ?, ?, ?,"
                + " 'DATABASE_CREATED', ?, ?, 0, ?, ?)")) {
            ps.setString(1, id);
            ps.setTimestamp(2, Timestamp.from(NOW));
            ps.setString(3, webhook);
            ps.setString(4, "evt_" + id);
            ps.setString(5, key);
            ps.setString(6, status);
            ps.setTimestamp(7, next == null ? null : Timestamp.from(next));
            ps.setTimestamp(8, leaseUntil == null ? null : Timestamp.from(leaseUntil));
            ps.executeUpdate();
        }
    }

    /** The ids the claim query picks at {@code NOW}, at most {@code max}. */
    private static List<String> due(Connection c, int max) throws Exception {
        // JPA's positional parameters ?1 (twice) and ?2 as JDBC's
        try (PreparedStatement ps = c.prepareStatement(DeliverySteps.DUE.replace("?1", "?").replace("?2", "?"))) {
            ps.setTimestamp(1, Timestamp.from(NOW));
            ps.setTimestamp(2, Timestamp.from(NOW));
            ps.setInt(3, max);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    private static void set(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    @Test
    void onlyTheFirstPendingDeliveryPerWebhookAndDatabaseIsDue() throws Exception {
        try (Connection c = connect()) {
            insert(c, "dlv_01", "whk_a", "db_x", "PENDING", NOW.minusSeconds(5), null);
            insert(c, "dlv_02", "whk_a", "db_x", "PENDING", NOW.minusSeconds(5), null);  // behind dlv_01
            insert(c, "dlv_03", "whk_a", "db_y", "PENDING", NOW.minusSeconds(5), null);  // another database: not held up
            insert(c, "dlv_04", "whk_b", "db_x", "PENDING", NOW.minusSeconds(5), null);  // another webhook: not held up
            insert(c, "dlv_05", "whk_a", "db_z", "PENDING", NOW.plusSeconds(60), null);  // not due yet
            insert(c, "dlv_06", "whk_a", "db_z", "PENDING", NOW.minusSeconds(5), null);  // due, but behind a waiting retry
            insert(c, "dlv_07", "whk_a", "db_w", "SUCCEEDED", null, null);
            insert(c, "dlv_08", "whk_a", "db_w", "PENDING", NOW.minusSeconds(5), null);  // the earlier one is done
            assertThat(due(c, 10)).containsExactly("dlv_01", "dlv_03", "dlv_04", "dlv_08");
            assertThat(due(c, 2)).containsExactly("dlv_01", "dlv_03");

            // dlv_01 claimed by a live sender: not due, and dlv_02 still waits behind it
            set(c, "UPDATE strata_webhook_delivery SET lease_until = '" + Timestamp.from(NOW.plusSeconds(60)) + "' WHERE id = 'dlv_01'");
            assertThat(due(c, 10)).containsExactly("dlv_03", "dlv_04", "dlv_08");
            // its sender died: the lease ran out, it is sent again
            set(c, "UPDATE strata_webhook_delivery SET lease_until = '" + Timestamp.from(NOW.minusSeconds(1)) + "' WHERE id = 'dlv_01'");
            assertThat(due(c, 10)).startsWith("dlv_01");
            // done (or given up): the next of that database follows
            set(c, "UPDATE strata_webhook_delivery SET status = 'SUCCEEDED' WHERE id = 'dlv_01'");
            assertThat(due(c, 10)).containsExactly("dlv_02", "dlv_03", "dlv_04", "dlv_08");
            set(c, "UPDATE strata_webhook_delivery SET status = 'FAILED' WHERE id = 'dlv_05'");
            assertThat(due(c, 10)).contains("dlv_06");
        }
    }

    @Test
    void twoClaimantsNeverGetTheSameDelivery() throws Exception {
        try (Connection a = connect(); Connection b = connect()) {
            insert(a, "dlv_11", "whk_a", "db_1", "PENDING", NOW.minusSeconds(5), null);
            insert(a, "dlv_12", "whk_a", "db_2", "PENDING", NOW.minusSeconds(5), null);
            insert(a, "dlv_13", "whk_a", "db_3", "PENDING", NOW.minusSeconds(5), null);
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            List<String> first = due(a, 2);
            List<String> second = due(b, 2); // while a's transaction holds its rows
            assertThat(first).containsExactly("dlv_11", "dlv_12");
            assertThat(second).containsExactly("dlv_13");
            a.rollback();
            b.rollback();
        }
    }
}
