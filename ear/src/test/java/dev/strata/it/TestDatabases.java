package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/** Creating, waiting for and removing databases through the API, for tests. */
public final class TestDatabases {

    private final Api api;
    private final String base;

    public TestDatabases(Api api, String workspaceId) {
        this.api = api;
        this.base = "/api/v1/workspaces/" + workspaceId + "/databases";
    }

    public String base() {
        return base;
    }

    /** The API path of one database. */
    public String path(String id) {
        return base + "/" + id;
    }

    /** {@code GET .../connection}, which must answer 200. */
    public JsonNode connection(String id) {
        Api.Reply r = api.get(path(id) + "/connection");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json();
    }

    /** How many databases the workspace has ({@code meta.total} of the list). */
    public long total() {
        Api.Reply r = api.get(base);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().path("meta").path("total").asLong();
    }

    /**
     * Deletes the database if it still exists and waits (up to a minute) until it is gone, ignoring every failure:
     * for finally blocks, so that a failed test leaves nothing behind for the next one.
     */
    public void deleteQuietly(String id) {
        try {
            if (api.get(path(id)).status() == 200) {
                api.delete(path(id));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> api.get(path(id)).status() == 404);
            }
        } catch (RuntimeException | AssertionError e) {
            // best effort: the test already failed for a reason worth reporting
        }
    }

    public String create(String slug) {
        return create(slug, "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"postgresql\"}");
    }

    public String create(String slug, String body) {
        Api.Reply r = api.post(base, body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.text("id");
    }

    public Api.Reply awaitStatus(String id, String status, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(api.get(base + "/" + id).text("status")).isEqualTo(status));
        return api.get(base + "/" + id);
    }

    public void deleteAndAwaitGone(String id) {
        Api.Reply r = api.delete(base + "/" + id);
        assertThat(r.status()).as(r.raw()).isIn(204, 404);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(api.get(base + "/" + id).status()).isEqualTo(404));
    }

    /** Runs SQL statements, in order, on the database of a JDBC URL (PostgreSQL, MySQL). */
    public static void exec(String url, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** PostgreSQL's clock (UTC, microseconds) as RFC 3339: a moment between two commits, as the server saw it. */
    public static final String POSTGRES_NOW = "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    /** The first column of the first row of a query on the database of a JDBC URL. */
    public static String queryOne(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** How many rows the table {@code items} of the database of a JDBC URL has. */
    public static int count(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Whether the table {@code items} has the row {@code n}. */
    public static boolean exists(String url, int n) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM items WHERE n = " + n)) {
            return rs.next();
        }
    }
}
