package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A PostgreSQL database's whole life through the API, checked against the real server and the host. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PostgresLifecycleIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void createConnectResizeRestartAfterCrashAndDelete() throws Exception {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        Api.Reply created = api.post(dbs.base(), "{\"name\":\"Orders\",\"slug\":\"orders\",\"engine\":\"postgresql\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("status")).isEqualTo("provisioning");
        assertThat(created.text("cpu")).isEqualTo("250m");
        assertThat(created.text("memory")).isEqualTo("512Mi");
        assertThat(created.json().path("storageGb").asInt()).isEqualTo(10);
        assertThat(created.text("version")).isEqualTo(newestInstalledPostgres());
        String id = created.text("id");
        assertThat(id).matches("db_[0-9a-z]{26}");
        try {
            lifecycle(dbs, id);
        } finally {
            if (api.get(dbs.base() + "/" + id).status() == 200) {
                api.delete(dbs.base() + "/" + id);
            }
        }
    }

    private void lifecycle(TestDatabases dbs, String id) throws Exception {

        dbs.awaitStatus(id, "ready", Duration.ofSeconds(60));
        assertThat(api.get(dbs.base() + "/" + id + "/status").raw()).isEqualTo("{\"ready\":1,\"desired\":1}");
        assertThat(Host.serverProcesses(id)).hasSize(1);

        JsonNode conn = api.get(dbs.base() + "/" + id + "/connection").json();
        assertThat(conn.path("uri").asText()).startsWith("postgresql://orders:").endsWith("/orders");
        assertThat(conn.path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(conn.path("password").asText()).hasSizeGreaterThanOrEqualTo(32);
        try (Connection c = DriverManager.getConnection(conn.path("jdbcUrl").asText()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int primary key, item text)");
            s.execute("INSERT INTO orders VALUES (1, 'keyboard')");
            assertThat(scalar(s, "SELECT item FROM orders WHERE id = 1")).isEqualTo("keyboard");
            assertThat(scalar(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
            assertThat(scalar(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(scalar(s, "SHOW shared_buffers")).isEqualTo("128MB");
        }

        // a server process that dies is restarted by the health check, with its data
        long pid = Host.serverProcesses(id).get(0);
        Host.kill9(pid);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(Host.serverProcesses(id)).hasSize(1).doesNotContain(pid);
            assertThat(api.get(dbs.base() + "/" + id).text("status")).isEqualTo("ready");
        });
        assertThat(readItem(conn.path("jdbcUrl").asText())).isEqualTo("keyboard");

        // shrinking storage is refused with the current size named, and changes nothing
        Api.Reply shrink = api.patch(dbs.base() + "/" + id, "{\"storageGb\": 5}");
        assertThat(shrink.status()).isEqualTo(422);
        assertThat(shrink.contentType()).startsWith("application/problem+json");
        assertThat(shrink.text("detail")).contains("10 GB").contains("5");
        assertThat(api.get(dbs.base() + "/" + id).json().path("storageGb").asInt()).isEqualTo(10);

        // resize: memory maps to shared_buffers, applied by a restart (updating -> ready)
        Api.Reply patched = api.patch(dbs.base() + "/" + id, "{\"memory\":\"1Gi\",\"cpu\":\"500m\",\"storageGb\":20,\"name\":\"Orders DB\"}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.text("status")).isEqualTo("updating");
        assertThat(patched.text("memory")).isEqualTo("1Gi");
        assertThat(patched.json().path("storageGb").asInt()).isEqualTo(20);
        assertThat(patched.text("name")).isEqualTo("Orders DB");
        dbs.awaitStatus(id, "ready", Duration.ofSeconds(60));
        try (Connection c = DriverManager.getConnection(conn.path("jdbcUrl").asText()); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SHOW shared_buffers")).isEqualTo("256MB");
            assertThat(scalar(s, "SELECT item FROM orders WHERE id = 1")).isEqualTo("keyboard");
        }

        // delete: 204, deleting until gone, then 404; no process, no directory
        List<Long> before = Host.anyProcessOf(id);
        assertThat(before).isNotEmpty();
        Api.Reply deleted = api.delete(dbs.base() + "/" + id);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(api.get(dbs.base() + "/" + id).status()).isIn(200, 404);
        dbs.deleteAndAwaitGone(id);
        assertThat(Host.anyProcessOf(id)).isEmpty();
        assertThat(before).noneMatch(Host::isRunning);
        assertThat(Files.exists(Host.instanceDir(id))).isFalse();
    }

    private static String readItem(String jdbcUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            return scalar(s, "SELECT item FROM orders WHERE id = 1");
        }
    }

    private static String scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String newestInstalledPostgres() throws Exception {
        try (var dirs = Files.list(java.nio.file.Path.of("/usr/lib/postgresql"))) {
            return dirs.map(p -> p.getFileName().toString()).filter(v -> v.matches("\\d+"))
                    .max(java.util.Comparator.comparingInt(Integer::parseInt)).orElseThrow();
        }
    }
}
