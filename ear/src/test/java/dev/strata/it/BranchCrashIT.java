package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGKILL of the control plane (the default setup) while branches of a PostgreSQL database are made (one of the
 * present, copied from the parent's files; one of a past moment, restored from a base backup and the WAL archive)
 * and while the parent is restored in place to that moment. After each restart every request is carried out from
 * the metadata: each branch ends ready with its moment's rows, whole, one server per database, no scratch
 * directory left in any instance, no instance directory without its database.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BranchCrashIT {

    /** Rows with 500 bytes of padding: about 60 MB, so that a copy and a restore take a moment to kill in. */
    private static final int ITEMS = 100_000;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final String ws = api.workspaceId();
    private final TestDatabases dbs = new TestDatabases(api, ws);

    @Test
    void killedWhileBranchesAreMadeAndWhileAPointInTimeRestoreRuns() throws Exception {
        String parent = dbs.create("br-crash");
        List<String> made = new ArrayList<>(List.of(parent));
        try {
            dbs.awaitStatus(parent, "ready", Duration.ofSeconds(90));
            Items items = Items.of(dbs, "postgresql", parent).padded(500);
            items.add(1, ITEMS);
            String base = api.post(dbs.path(parent) + "/backups", "").text("id");
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(api.get("/api/v1/workspaces/" + ws + "/backups/" + base).text("status")).isEqualTo("completed"));
            items.add(ITEMS + 1, ITEMS + 500);
            String t = TestDatabases.queryOne(dbs.connection(parent).path("jdbcUrl").asText(), TestDatabases.POSTGRES_NOW);
            items.add(ITEMS + 501, ITEMS + 1000);

            // 1. killed while the two branches are made
            Api.Reply now = api.post(dbs.path(parent) + "/branches", "{\"name\":\"Now\",\"slug\":\"br-crash-now\"}");
            Api.Reply atT = api.post(dbs.path(parent) + "/branches", "{\"name\":\"At T\",\"slug\":\"br-crash-at-t\",\"pointInTime\":\"" + t + "\"}");
            assertThat(now.status()).as(now.raw()).isEqualTo(201);
            assertThat(atT.status()).as(atT.raw()).isEqualTo(201);
            made.add(now.text("id"));
            made.add(atT.text("id"));
            Set<String> killedIn = new LinkedHashSet<>(killWhileBusy(List.of(now.text("id"), atT.text("id")), "copying the data of", "restoring from backup"));
            ControlPlane.start();

            dbs.awaitStatus(now.text("id"), "ready", Duration.ofSeconds(300));
            dbs.awaitStatus(atT.text("id"), "ready", Duration.ofSeconds(300));
            assertThat(Items.of(dbs, "postgresql", now.text("id")).count()).isEqualTo(ITEMS + 1000);
            assertThat(Items.of(dbs, "postgresql", atT.text("id")).count()).isEqualTo(ITEMS + 500);

            // 2. killed while the parent is restored in place to T (after its safety backup)
            Api.Reply inPlace = api.post(dbs.path(parent) + "/restore", "{\"pointInTime\":\"" + t + "\"}");
            assertThat(inPlace.status()).as(inPlace.raw()).isEqualTo(202);
            killedIn.addAll(killWhileBusy(List.of(parent), "restoring from backup"));
            ControlPlane.start();
            dbs.awaitStatus(parent, "ready", Duration.ofSeconds(300));
            assertThat(items.count()).isEqualTo(ITEMS + 500);
            assertThat(items.exists(ITEMS + 501)).isFalse();
            System.out.println("BranchCrashIT: killed while " + killedIn);
            assertThat(killedIn).as("the kills came while a copy or a restore ran").isNotEmpty();

            for (String id : made) {
                // one server each; a process of the restore or a worker not yet retitled may take a moment to leave
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(Host.serverProcesses(id)).as(id + Host.describeServerProcesses(id)).hasSize(1));
                try (var files = Files.list(Host.instanceDir(id))) {
                    assertThat(files.map(p -> p.getFileName().toString()).toList()).as(id)
                            .doesNotContain("data.clone", "data.restore", "data.old", "data.init");
                }
            }
            Set<String> known = new LinkedHashSet<>();
            api.get(dbs.base() + "?limit=100").json().path("data").forEach(d -> known.add(d.path("id").asText()));
            assertThat(Host.instanceDirs()).as("no instance directory without its database").allMatch(known::contains);
            // deleted databases' files are removed in the background, also those a killed Strata left set aside
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(Host.removedDirs()).as("directories of deleted databases still there").isEmpty());
            // the branches' copies stand alone: the parent's restore did not touch them
            assertThat(Items.of(dbs, "postgresql", now.text("id")).count()).isEqualTo(ITEMS + 1000);
        } finally {
            made.forEach(dbs::deleteQuietly);
        }
    }

    /**
     * Waits until one of {@code ids} shows a status message starting with one of {@code busy} (polled every 20 ms),
     * then kills the control plane; what was busy then (empty when all finished first, and nothing is killed).
     */
    private List<String> killWhileBusy(List<String> ids, String... busy) throws Exception {
        AtomicReference<List<String>> seen = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(20)).until(() -> {
            List<String> now = new ArrayList<>();
            boolean allReady = true;
            for (String id : ids) {
                JsonNode db = api.get(dbs.path(id)).json();
                String message = db.path("statusMessage").asText();
                for (String b : busy) {
                    if (message.startsWith(b)) {
                        now.add(id + " " + b);
                    }
                }
                allReady &= db.path("status").asText().equals("ready");
            }
            if (!now.isEmpty() || allReady) {
                seen.set(now);
                return true;
            }
            return false;
        });
        ControlPlane.kill();
        return seen.get();
    }

}
