package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Event retention in the deployed EAR (run every 2 s here, STRATA_EVENT_RETENTION_INTERVAL_SECONDS; the default 90
 * days): events and finished deliveries older than that, written into the metadata database behind Strata's back,
 * are deleted; a pending delivery and its event, and recent ones, stay.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EventRetentionIT {

    private static final String WS = "ws_retention_it";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private static void event(Connection c, String id, Instant at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata_event (id, version, workspace_id, created_at, event_type, occurred_at,"
                + " database_id, message, data_json) VALUES (?, 1, ?, ?, 'DATABASE_CREATED', ?, 'db_retention_it', 'Database x was created', '{}')")) {
            ps.setString(1, id);
            ps.setString(2, WS);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setTimestamp(4, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    private static void delivery(Connection c, String id, String eventId, String status, Instant at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata_webhook_delivery (id, version, workspace_id, created_at, webhook_id,"
                + " event_id, event_type, ordering_key, status, attempts, next_attempt_at) VALUES (?, 1, ?, ?, 'whk_retention_it', ?,"
                + " 'DATABASE_CREATED', 'db_retention_it', ?, 1, ?)")) {
            ps.setString(1, id);
            ps.setString(2, WS);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setString(4, eventId);
            ps.setString(5, status);
            // a retry not due for a day: the dispatcher leaves it alone (it would drop it, its webhook being unknown)
            ps.setTimestamp(6, status.equals("PENDING") ? Timestamp.from(Instant.now().plus(Duration.ofDays(1))) : null);
            ps.executeUpdate();
        }
    }

    private static List<String> ids(Connection c, String table) throws Exception {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE workspace_id = ?")) {
            ps.setString(1, WS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    @Test
    void oldEventsAndFinishedDeliveriesAreDeletedPendingOnesAndTheirEventsStay() throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(91));
        Instant recent = Instant.now().minus(Duration.ofDays(89));
        try (Connection c = Metadata.connect()) {
            try {
                event(c, "evt_retention_old", old);
                delivery(c, "dlv_retention_old_succeeded", "evt_retention_old", "SUCCEEDED", old);
                delivery(c, "dlv_retention_old_failed", "evt_retention_old", "FAILED", old);
                event(c, "evt_retention_old_pending", old);
                delivery(c, "dlv_retention_old_pending", "evt_retention_old_pending", "PENDING", old);
                event(c, "evt_retention_recent", recent);
                delivery(c, "dlv_retention_recent_succeeded", "evt_retention_recent", "SUCCEEDED", recent);

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(ids(c, "strata_event")).containsExactlyInAnyOrder("evt_retention_old_pending", "evt_retention_recent");
                    assertThat(ids(c, "strata_webhook_delivery"))
                            .containsExactlyInAnyOrder("dlv_retention_old_pending", "dlv_retention_recent_succeeded");
                });

                // given up: the next runs delete it and then its event
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE strata_webhook_delivery SET status = 'FAILED', next_attempt_at = NULL WHERE id = 'dlv_retention_old_pending'");
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(ids(c, "strata_event")).containsExactly("evt_retention_recent");
                    assertThat(ids(c, "strata_webhook_delivery")).containsExactly("dlv_retention_recent_succeeded");
                });
            } finally {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM strata_webhook_delivery WHERE workspace_id = '" + WS + "'");
                    s.executeUpdate("DELETE FROM strata_event WHERE workspace_id = '" + WS + "'");
                }
            }
        }
    }
}
