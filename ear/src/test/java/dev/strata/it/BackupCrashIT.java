package dev.strata.it;

import static dev.strata.it.TestDatabases.exec;
import static dev.strata.it.TestDatabases.count;
import static dev.strata.it.TestDatabases.exists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGKILL of the control plane (the default setup) while a backup runs and while an in-place restore runs. After the
 * restart the backup ends completed or failed, never stuck in running; the restore is carried out (its request is
 * in the metadata), so the database ends with the backup's data, whole, and the safety backup exists. PostgreSQL
 * (pgBackRest) in one test, MySQL and Redis together in the other.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BackupCrashIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final String ws = api.workspaceId();
    private final TestDatabases dbs = new TestDatabases(api, ws);

    @Test
    void killedDuringBackupAndDuringInPlaceRestore() throws Exception {
        String id = dbs.create("bk-crash");
        List<String> made = new ArrayList<>(List.of(id));
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            String url = dbs.connection(id).path("jdbcUrl").asText();
            // enough data that a backup and a restore take seconds, not milliseconds
            exec(url, "CREATE TABLE items (n int primary key, pad text)",
                    "INSERT INTO items SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 300000) g");

            // 1. killed while a backup runs
            String first = api.post(dbs.base() + "/" + id + "/backups", "").text("id");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> api.get("/api/v1/workspaces/" + ws + "/backups/" + first).text("status").equals("running"));
            ControlPlane.kill();
            ControlPlane.start();
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(api.get("/api/v1/workspaces/" + ws + "/backups/" + first).text("status")).isIn("completed", "failed"));

            // a backup to restore: 300000 rows; then more rows
            String bkp = api.post(dbs.base() + "/" + id + "/backups", "").text("id");
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                    .until(() -> api.get("/api/v1/workspaces/" + ws + "/backups/" + bkp).text("status").equals("completed"));
            exec(url, "INSERT INTO items SELECT g, 'later' FROM generate_series(300001, 300500) g");
            assertThat(count(url)).isEqualTo(300500);

            // 2. killed while the in-place restore runs
            assertThat(api.post(dbs.base() + "/" + id + "/restore", "{\"backupId\":\"" + bkp + "\"}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(20)).until(() -> {
                JsonNode db = api.get(dbs.base() + "/" + id).json();
                return db.path("statusMessage").asText().startsWith("restoring from backup");
            });
            ControlPlane.kill();
            ControlPlane.start();
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(300));
            assertThat(count(url)).as("the backup's rows, whole").isEqualTo(300000);
            assertThat(exists(url, 300001)).isFalse();
            List<JsonNode> safety = new ArrayList<>();
            api.get(dbs.base() + "/" + id + "/backups?limit=100").json().path("data").forEach(b -> {
                if (b.path("trigger").asText().equals("pre-restore")) {
                    safety.add(b);
                }
            });
            assertThat(safety).singleElement().satisfies(b -> assertThat(b.path("status").asText()).isEqualTo("completed"));
            assertThat(Host.serverProcesses(id)).hasSize(1);

            // and no backup of the database is left pending or running
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    api.get(dbs.base() + "/" + id + "/backups?limit=100").json().path("data").forEach(b ->
                            assertThat(b.path("status").asText()).as(b.toString()).isIn("completed", "failed")));
        } finally {
            made.forEach(dbs::deleteQuietly);
        }
    }

    /**
     * The same two kills for MySQL (mariadb-backup's stream, restored with mbstream and --prepare) and Redis (an RDB
     * snapshot, restored as the AOF base), both at once: each database is killed in the middle of its backup and
     * of its in-place restore, and ends with exactly the backed-up items, one server, its safety backup completed.
     */
    @Test
    void mysqlAndRedisKilledDuringBackupAndDuringInPlaceRestore() throws Exception {
        java.util.Map<String, String> ids = new java.util.LinkedHashMap<>();
        ids.put("mysql", dbs.create("bk-crash-my", "{\"name\":\"bk-crash-my\",\"slug\":\"bk-crash-my\",\"engine\":\"mysql\"}"));
        ids.put("redis", dbs.create("bk-crash-redis", "{\"name\":\"bk-crash-redis\",\"slug\":\"bk-crash-redis\",\"engine\":\"redis\"}"));
        try {
            for (var e : ids.entrySet()) {
                dbs.awaitStatus(e.getValue(), "ready", Duration.ofSeconds(120));
                // about 150 MB each: a backup and a restore take seconds
                Items.of(dbs, e.getKey(), e.getValue()).padded(500).add(1, 300_000);
            }

            // 1. killed while both backups run
            java.util.Map<String, String> first = new java.util.LinkedHashMap<>();
            ids.forEach((engine, id) -> first.put(engine, api.post(dbs.base() + "/" + id + "/backups", "").text("id")));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> first.values().stream()
                    .allMatch(b -> api.get("/api/v1/workspaces/" + ws + "/backups/" + b).text("status").equals("running")));
            ControlPlane.kill();
            ControlPlane.start();
            for (String b : first.values()) {
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(api.get("/api/v1/workspaces/" + ws + "/backups/" + b).text("status")).isIn("completed", "failed"));
            }

            // backups to restore: 300000 items each; then more items
            java.util.Map<String, String> taken = new java.util.LinkedHashMap<>();
            ids.forEach((engine, id) -> taken.put(engine, api.post(dbs.base() + "/" + id + "/backups", "").text("id")));
            for (String b : taken.values()) {
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                        .until(() -> api.get("/api/v1/workspaces/" + ws + "/backups/" + b).text("status").equals("completed"));
            }
            for (var e : ids.entrySet()) {
                Items items = Items.of(dbs, e.getKey(), e.getValue());
                items.add(300_001, 300_500);
                assertThat(items.count()).isEqualTo(300_500);
            }

            // 2. killed while both in-place restores run
            ids.forEach((engine, id) -> assertThat(api.post(dbs.base() + "/" + id + "/restore",
                    "{\"backupId\":\"" + taken.get(engine) + "\"}").status()).isEqualTo(202));
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(20)).until(() -> ids.values().stream()
                    .allMatch(id -> api.get(dbs.base() + "/" + id).json().path("statusMessage").asText().startsWith("restoring from backup")));
            ControlPlane.kill();
            ControlPlane.start();
            for (var e : ids.entrySet()) {
                String id = e.getValue();
                dbs.awaitStatus(id, "ready", Duration.ofSeconds(300));
                Items items = Items.of(dbs, e.getKey(), id);
                assertThat(items.count()).as("%s: the backup's items, whole", e.getKey()).isEqualTo(300_000);
                assertThat(items.exists(300_001)).isFalse();
                List<JsonNode> safety = new ArrayList<>();
                api.get(dbs.base() + "/" + id + "/backups?limit=100").json().path("data").forEach(b -> {
                    if (b.path("trigger").asText().equals("pre-restore")) {
                        safety.add(b);
                    }
                });
                assertThat(safety).as(e.getKey()).singleElement().satisfies(b -> assertThat(b.path("status").asText()).isEqualTo("completed"));
                assertThat(Host.serverProcesses(id)).as(e.getKey()).hasSize(1);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        api.get(dbs.base() + "/" + id + "/backups?limit=100").json().path("data").forEach(b ->
                                assertThat(b.path("status").asText()).as(b.toString()).isIn("completed", "failed")));
            }
        } finally {
            ids.values().forEach(dbs::deleteQuietly);
        }
    }

}
