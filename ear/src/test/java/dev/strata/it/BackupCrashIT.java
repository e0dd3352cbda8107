package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGKILL of the control plane (the default setup) while backups run and while in-place restores run, for the three
 * local engines at once: PostgreSQL (pgBackRest), MySQL (mariadb-backup's stream, restored with mbstream and
 * --prepare) and Redis (an RDB snapshot, restored as the AOF base). After the restart each backup ends completed or
 * failed, never stuck in running; each restore is carried out (its request is in the metadata), so each database ends
 * with exactly its backup's items, whole, with one server process, and its safety backup completed. Which restores
 * were killed midway depends on timing (the safety backups differ in length): the test prints it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BackupCrashIT {

    /** Items per database; with 500 bytes of padding each, about 50 MB: a backup and a restore take seconds. */
    private static final int ITEMS = 100_000;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final String ws = api.workspaceId();
    private final TestDatabases dbs = new TestDatabases(api, ws);

    @Test
    void killedDuringBackupsAndDuringInPlaceRestores() throws Exception {
        Map<String, String> ids = new LinkedHashMap<>();
        for (String engine : List.of("mysql", "postgresql", "redis")) {
            String slug = "bk-crash-" + engine;
            ids.put(engine, dbs.create(slug, "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"" + engine + "\"}"));
        }
        try {
            for (var e : ids.entrySet()) {
                dbs.awaitStatus(e.getValue(), "ready", Duration.ofSeconds(120));
                Items.of(dbs, e.getKey(), e.getValue()).padded(500).add(1, ITEMS);
            }

            // 1. killed while the three backups run
            Map<String, String> first = new LinkedHashMap<>();
            ids.forEach((engine, id) -> first.put(engine, api.post(dbs.base() + "/" + id + "/backups", "").text("id")));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> first.values().stream()
                    .allMatch(b -> backup(b).path("status").asText().equals("running")));
            ControlPlane.kill();
            ControlPlane.start();
            for (String b : first.values()) {
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(backup(b).path("status").asText()).isIn("completed", "failed"));
            }

            // backups to restore, of ITEMS items each; then more items
            Map<String, String> taken = new LinkedHashMap<>();
            ids.forEach((engine, id) -> taken.put(engine, api.post(dbs.base() + "/" + id + "/backups", "").text("id")));
            for (String b : taken.values()) {
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(backup(b).path("status").asText()).as(backup(b).toString()).isEqualTo("completed"));
            }
            for (var e : ids.entrySet()) {
                Items items = Items.of(dbs, e.getKey(), e.getValue());
                items.add(ITEMS + 1, ITEMS + 500);
                assertThat(items.count()).isEqualTo(ITEMS + 500);
            }

            // 2. killed while in-place restores run: each restore first takes its safety backup (of differing
            // lengths), so the three restores do not all run at one moment; the control plane is killed whenever
            // one not yet killed in its restore is restoring (at most three kills), until each was or has finished
            ids.forEach((engine, id) -> assertThat(api.post(dbs.base() + "/" + id + "/restore",
                    "{\"backupId\":\"" + taken.get(engine) + "\"}").status()).isEqualTo(202));
            Set<String> killedRestoring = new LinkedHashSet<>();
            for (int kill = 0; kill < ids.size() && killedRestoring.size() < ids.size(); kill++) {
                AtomicReference<Set<String>> restoringNow = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    Set<String> restoring = new LinkedHashSet<>();
                    boolean left = false;
                    for (var e : ids.entrySet()) {
                        JsonNode db = api.get(dbs.path(e.getValue())).json();
                        if (db.path("statusMessage").asText().startsWith("restoring from backup")) {
                            restoring.add(e.getKey());
                        }
                        left |= !killedRestoring.contains(e.getKey()) && !db.path("status").asText().equals("ready");
                    }
                    if (!killedRestoring.containsAll(restoring)) {
                        restoringNow.set(restoring);
                        return true;
                    }
                    if (!left) {
                        restoringNow.set(Set.of());
                        return true;
                    }
                    return false;
                });
                if (restoringNow.get().isEmpty()) {
                    break;
                }
                ControlPlane.kill();
                killedRestoring.addAll(restoringNow.get());
                ControlPlane.start();
            }
            System.out.println("BackupCrashIT: killed in the middle of the restore of " + killedRestoring);
            assertThat(killedRestoring).as("engines killed while restoring").isNotEmpty();
            for (var e : ids.entrySet()) {
                String engine = e.getKey();
                String id = e.getValue();
                dbs.awaitStatus(id, "ready", Duration.ofSeconds(300));
                Items items = Items.of(dbs, engine, id);
                assertThat(items.count()).as("%s: the backup's items, whole", engine).isEqualTo(ITEMS);
                assertThat(items.exists(ITEMS + 1)).as(engine).isFalse();
                List<JsonNode> safety = new ArrayList<>();
                api.get(dbs.path(id) + "/backups?limit=100").json().path("data").forEach(b -> {
                    if (b.path("trigger").asText().equals("pre-restore")) {
                        safety.add(b);
                    }
                });
                assertThat(safety).as(engine).singleElement().satisfies(b -> assertThat(b.path("status").asText()).isEqualTo("completed"));
                assertThat(Host.serverProcesses(id)).as(engine).hasSize(1);
                // and no backup of the database is left pending or running
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        api.get(dbs.path(id) + "/backups?limit=100").json().path("data").forEach(b ->
                                assertThat(b.path("status").asText()).as(b.toString()).isIn("completed", "failed")));
            }
        } finally {
            ids.values().forEach(dbs::deleteQuietly);
        }
    }

    private JsonNode backup(String id) {
        return api.get("/api/v1/workspaces/" + ws + "/backups/" + id).json();
    }
}
