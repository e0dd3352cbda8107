package dev.strata.it;

import static dev.strata.it.TestDatabases.exec;
import static dev.strata.it.TestDatabases.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Backups of PostgreSQL databases through the API, against the deployed EAR, the real servers and pgBackRest with
 * the embedded repository: data written, backed up, more written; restores (new database, in place, undone from the
 * safety backup, after the source was deleted) have exactly the backed-up data; a sleeping database is backed up
 * without waking; the schedule and retention act (the IT server's retention day is 30 s); bad input changes nothing.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BackupsIT {

    private static final Duration BACKUP = Duration.ofSeconds(120);
    private static final Duration RESTORE = Duration.ofSeconds(180);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final String ws = api.workspaceId();
    private final TestDatabases dbs = new TestDatabases(api, ws);

    @Test
    void backupThenRestoreIntoNewInPlaceUndoAndAfterDeletion() throws Exception {
        String id = dbs.create("bk-orders");
        List<String> made = new ArrayList<>(List.of(id));
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            String url = jdbc(id);
            exec(url, "CREATE TABLE items (n int primary key)", "INSERT INTO items SELECT generate_series(1, 100)");

            Api.Reply requested = api.post(dbs.base() + "/" + id + "/backups", "");
            assertThat(requested.status()).as(requested.raw()).isEqualTo(202);
            assertThat(requested.text("status")).isEqualTo("pending");
            assertThat(requested.text("trigger")).isEqualTo("manual");
            assertThat(requested.text("id")).matches("bkp_[0-9a-z]{26}");
            String bkp = requested.text("id");
            JsonNode done = awaitBackup(bkp, "completed");
            assertThat(done.path("databaseId").asText()).isEqualTo(id);
            assertThat(done.path("engine").asText()).isEqualTo("postgresql");
            assertThat(done.path("sizeBytes").asLong()).isPositive();
            assertThat(done.path("completedAt").asText()).isNotEmpty();

            // encrypted before it leaves the host: no file of the repository holds the rows' table name in clear
            assertThat(repositoryFilesContaining(id, "items")).isEmpty();

            exec(url, "INSERT INTO items SELECT generate_series(101, 150)");

            // restore into a new database: exactly the backed-up rows
            Api.Reply fresh = api.post("/api/v1/workspaces/" + ws + "/backups/" + bkp + "/restore", "{\"name\":\"Orders copy\",\"slug\":\"bk-orders-copy\"}");
            assertThat(fresh.status()).as(fresh.raw()).isEqualTo(201);
            assertThat(fresh.text("status")).isEqualTo("provisioning");
            String copy = fresh.text("id");
            made.add(copy);
            dbs.awaitStatus(copy, "ready", RESTORE);
            assertThat(count(jdbc(copy))).isEqualTo(100);
            // its own password and port; the user and database keep the source's names
            assertThat(dbs.connection(copy).path("username").asText()).isEqualTo("bk_orders");
            assertThat(dbs.connection(copy).path("password").asText()).isNotEqualTo(dbs.connection(id).path("password").asText());
            assertThat(count(url)).as("the source is untouched").isEqualTo(150);

            // restore in place: a safety backup first, then the backup's rows, same connection details
            Api.Reply inPlace = api.post(dbs.base() + "/" + id + "/restore", "{\"backupId\":\"" + bkp + "\"}");
            assertThat(inPlace.status()).as(inPlace.raw()).isEqualTo(202);
            assertThat(inPlace.text("status")).isEqualTo("updating");
            dbs.awaitStatus(id, "ready", RESTORE);
            assertThat(jdbc(id)).isEqualTo(url);
            assertThat(count(url)).isEqualTo(100);
            JsonNode safety = backupsOf(id).stream().filter(b -> b.path("trigger").asText().equals("pre-restore")).findFirst().orElseThrow();
            assertThat(safety.path("status").asText()).isEqualTo("completed");

            // ... and undone from the safety backup
            Api.Reply undo = api.post(dbs.base() + "/" + id + "/restore", "{\"backupId\":\"" + safety.path("id").asText() + "\"}");
            assertThat(undo.status()).as(undo.raw()).isEqualTo(202);
            dbs.awaitStatus(id, "ready", RESTORE);
            assertThat(count(url)).isEqualTo(150);

            // the source deleted: its backups stay listed and restorable
            dbs.deleteAndAwaitGone(id);
            Api.Reply listed = api.get("/api/v1/workspaces/" + ws + "/backups?databaseId=" + id);
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.json().path("meta").path("total").asInt()).isGreaterThanOrEqualTo(3);
            Api.Reply after = api.post("/api/v1/workspaces/" + ws + "/backups/" + bkp + "/restore", "{\"name\":\"Orders again\",\"slug\":\"bk-orders-again\"}");
            assertThat(after.status()).as(after.raw()).isEqualTo(201);
            made.add(after.text("id"));
            dbs.awaitStatus(after.text("id"), "ready", RESTORE);
            assertThat(count(jdbc(after.text("id")))).isEqualTo(100);
        } finally {
            made.forEach(dbs::deleteQuietly);
        }
    }

    @Test
    void sleepingDatabaseIsBackedUpWithoutWakingAndRetentionKeepsTheNewest() throws Exception {
        String id = dbs.create("bk-sleeper");
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            exec(jdbc(id), "CREATE TABLE items (n int primary key)", "INSERT INTO items SELECT generate_series(1, 42)");
            assertThat(api.post(dbs.base() + "/" + id + "/sleep", "").status()).isEqualTo(202);
            dbs.awaitStatus(id, "sleeping", Duration.ofSeconds(60));

            // retention of 1 day (30 s on the test server) and a schedule firing every minute
            Api.Reply policy = api.send("PUT", dbs.base() + "/" + id + "/backup-policy",
                    "{\"enabled\":true,\"schedule\":\"* * * * *\",\"retentionDays\":1}", "application/json");
            assertThat(policy.status()).as(policy.raw()).isEqualTo(200);
            assertThat(policy.json().path("schedule").asText()).isEqualTo("* * * * *");
            assertThat(policy.json().path("retentionDays").asInt()).isEqualTo(1);

            String first = api.post(dbs.base() + "/" + id + "/backups", "").text("id");
            awaitBackup(first, "completed");
            assertThat(Host.serverProcesses(id)).as("backed up asleep, not woken").isEmpty();
            assertThat(api.get(dbs.base() + "/" + id).text("status")).isEqualTo("sleeping");

            // a scheduled backup comes within the minute; once it completed, the first one's retention ends and it is pruned
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(backupsOf(id)).anySatisfy(b -> {
                        assertThat(b.path("trigger").asText()).isEqualTo("scheduled");
                        assertThat(b.path("status").asText()).isEqualTo("completed");
                    }));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(api.get("/api/v1/workspaces/" + ws + "/backups/" + first).status()).isEqualTo(404));
            // pruning stops the schedule from piling up but never removes the newest completed backup
            assertThat(api.send("PUT", dbs.base() + "/" + id + "/backup-policy", "{\"enabled\":false}", "application/json").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                List<JsonNode> left = backupsOf(id);
                assertThat(left).noneMatch(b -> b.path("status").asText().equals("pending") || b.path("status").asText().equals("running"));
                assertThat(left.stream().filter(b -> b.path("status").asText().equals("completed")).count()).isEqualTo(1);
            });
            String newest = backupsOf(id).stream().filter(b -> b.path("status").asText().equals("completed")).findFirst().orElseThrow().path("id").asText();
            assertThat(Instant(api.get("/api/v1/workspaces/" + ws + "/backups/" + newest).text("expiresAt"))).isBefore(java.time.Instant.now().plusSeconds(31));

            // the sleeper's backup restores into a new database with its rows
            Api.Reply fresh = api.post("/api/v1/workspaces/" + ws + "/backups/" + newest + "/restore", "{\"name\":\"Sleeper copy\",\"slug\":\"bk-sleeper-copy\"}");
            assertThat(fresh.status()).as(fresh.raw()).isEqualTo(201);
            try {
                dbs.awaitStatus(fresh.text("id"), "ready", RESTORE);
                assertThat(count(jdbc(fresh.text("id")))).isEqualTo(42);
            } finally {
                dbs.deleteQuietly(fresh.text("id"));
            }
        } finally {
            dbs.deleteQuietly(id);
        }
    }

    @Test
    void badInputIsRefusedAndChangesNothing() throws Exception {
        String id = dbs.create("bk-refusals");
        String other = null;
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            String path = dbs.base() + "/" + id;
            String policyBefore = api.get(path + "/backup-policy").raw();
            assertProblem(api.send("PUT", path + "/backup-policy", "{\"schedule\":\"61 * * * *\"}", "application/json"), 400, "schedule");
            assertProblem(api.send("PUT", path + "/backup-policy", "{\"schedule\":\"0 3 * *\"}", "application/json"), 400, "schedule");
            assertProblem(api.send("PUT", path + "/backup-policy", "{\"retentionDays\":0}", "application/json"), 400, "retentionDays");
            assertProblem(api.send("PUT", path + "/backup-policy", "{\"retentionDays\":366}", "application/json"), 400, "retentionDays");
            assertProblem(api.send("PUT", path + "/backup-policy", "{\"enabled\":\"yes\"}", "application/json"), 400, "enabled");
            assertProblem(api.send("PUT", path + "/backup-policy", "{\"every\":\"day\"}", "application/json"), 400, "every");
            assertThat(api.get(path + "/backup-policy").raw()).isEqualTo(policyBefore);

            String backups = "/api/v1/workspaces/" + ws + "/backups/";
            assertThat(api.get(backups + "bkp_01aaaaaaaaaaaaaaaaaaaaaaaa").status()).isEqualTo(404);
            assertThat(api.get(backups + "nonsense").status()).isEqualTo(404);
            assertProblem(api.get("/api/v1/workspaces/" + ws + "/backups?status=lost"), 400, "status");
            assertProblem(api.get("/api/v1/workspaces/" + ws + "/backups?databaseId=x"), 400, "databaseId");
            assertProblem(api.post(path + "/restore", "{}"), 400, "backupId");
            assertProblem(api.post(path + "/restore", "{\"backupId\":\"bkp_01aaaaaaaaaaaaaaaaaaaaaaaa\"}"), 422, "backupId");

            // a backup still pending or running cannot be restored, nor a running one deleted
            String bkp = api.post(path + "/backups", "").text("id");
            Api.Reply early = api.post(backups + bkp + "/restore", "{\"name\":\"Too early\",\"slug\":\"bk-too-early\"}");
            if (!api.get(backups + bkp).text("status").equals("completed")) {
                assertThat(early.status()).as(early.raw()).isEqualTo(409);
            } else {
                dbs.deleteQuietly(early.text("id"));
            }
            awaitBackup(bkp, "completed");

            // another workspace sees none of it
            String otherKey = "strata_sk_bk_other_" + System.nanoTime();
            String otherWs = Tenants.insertWorkspaceWithKey(otherKey, false);
            Api stranger = new Api(otherKey);
            assertThat(stranger.get("/api/v1/workspaces/" + otherWs + "/backups/" + bkp).status()).isEqualTo(404);
            assertThat(stranger.get("/api/v1/workspaces/" + otherWs + "/backups").json().path("meta").path("total").asInt()).isZero();
            assertThat(stranger.post("/api/v1/workspaces/" + otherWs + "/backups/" + bkp + "/restore", "{\"name\":\"Theft\",\"slug\":\"theft\"}").status()).isEqualTo(404);
            assertThat(stranger.delete("/api/v1/workspaces/" + otherWs + "/backups/" + bkp).status()).isEqualTo(404);
            assertThat(stranger.get("/api/v1/workspaces/" + ws + "/backups/" + bkp).status()).isEqualTo(404);

            // engine mismatch: a PostgreSQL backup into a Redis database
            other = dbs.create("bk-redis", "{\"name\":\"bk-redis\",\"slug\":\"bk-redis\",\"engine\":\"redis\"}");
            dbs.awaitStatus(other, "ready", Duration.ofSeconds(60));
            assertProblem(api.post(dbs.base() + "/" + other + "/restore", "{\"backupId\":\"" + bkp + "\"}"), 422, "backupId");
            assertThat(api.get(dbs.base() + "/" + other).text("status")).isEqualTo("ready");

            // a slug that is taken: 409, no database made
            long before = dbs.total();
            assertThat(api.post(backups + bkp + "/restore", "{\"name\":\"Dup\",\"slug\":\"bk-refusals\"}").status()).isEqualTo(409);
            assertThat(dbs.total()).isEqualTo(before);

            assertThat(api.delete(backups + bkp).status()).isEqualTo(204);
            assertThat(api.get(backups + bkp).status()).isEqualTo(404);
            assertThat(api.post(backups + bkp + "/restore", "{\"name\":\"Gone\",\"slug\":\"bk-gone\"}").status()).isEqualTo(404);
        } finally {
            dbs.deleteQuietly(id);
            if (other != null) {
                dbs.deleteQuietly(other);
            }
        }
    }

    /**
     * MySQL (MariaDB: mariadb-backup's stream) and Redis (an RDB snapshot): backed up running and asleep, restored
     * into a new database and in place (then undone), each time with exactly the backed-up data.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mysql", "redis"})
    void otherEnginesBackUpAndRestore(String engine) throws Exception {
        String slug = "bk-" + engine;
        String id = dbs.create(slug, "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"" + engine + "\"}");
        List<String> made = new ArrayList<>(List.of(id));
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(120));
            Items items = items(engine, id);
            items.add(1, 100);
            String bkp = api.post(dbs.base() + "/" + id + "/backups", "").text("id");
            JsonNode done = awaitBackup(bkp, "completed");
            assertThat(done.path("engine").asText()).isEqualTo(engine);
            assertThat(repositoryFilesContaining(id, "item-")).as("sealed before it left the host").isEmpty();
            items.add(101, 150);

            Api.Reply fresh = api.post("/api/v1/workspaces/" + ws + "/backups/" + bkp + "/restore",
                    "{\"name\":\"copy\",\"slug\":\"" + slug + "-copy\"}");
            assertThat(fresh.status()).as(fresh.raw()).isEqualTo(201);
            made.add(fresh.text("id"));
            dbs.awaitStatus(fresh.text("id"), "ready", RESTORE);
            assertThat(items(engine, fresh.text("id")).count()).isEqualTo(100);

            assertThat(api.post(dbs.base() + "/" + id + "/restore", "{\"backupId\":\"" + bkp + "\"}").status()).isEqualTo(202);
            dbs.awaitStatus(id, "ready", RESTORE);
            assertThat(items(engine, id).count()).isEqualTo(100);
            String safety = backupsOf(id).stream().filter(b -> b.path("trigger").asText().equals("pre-restore")).findFirst()
                    .orElseThrow().path("id").asText();
            assertThat(api.post(dbs.base() + "/" + id + "/restore", "{\"backupId\":\"" + safety + "\"}").status()).isEqualTo(202);
            dbs.awaitStatus(id, "ready", RESTORE);
            assertThat(items(engine, id).count()).isEqualTo(150);

            // asleep: backed up from its files, not woken; that backup restores too
            assertThat(api.post(dbs.base() + "/" + id + "/sleep", "").status()).isEqualTo(202);
            dbs.awaitStatus(id, "sleeping", Duration.ofSeconds(60));
            String asleep = api.post(dbs.base() + "/" + id + "/backups", "").text("id");
            awaitBackup(asleep, "completed");
            assertThat(Host.serverProcesses(id)).isEmpty();
            Api.Reply fromSleep = api.post("/api/v1/workspaces/" + ws + "/backups/" + asleep + "/restore",
                    "{\"name\":\"copy2\",\"slug\":\"" + slug + "-copy2\"}");
            assertThat(fromSleep.status()).as(fromSleep.raw()).isEqualTo(201);
            made.add(fromSleep.text("id"));
            dbs.awaitStatus(fromSleep.text("id"), "ready", RESTORE);
            assertThat(items(engine, fromSleep.text("id")).count()).isEqualTo(150);
        } finally {
            made.forEach(dbs::deleteQuietly);
        }
    }

    /**
     * The repository is Strata's, not a project's: a project's own S3 key can neither read, list nor write the
     * embedded repository's bucket; and deleting a project (which takes its databases with it) keeps their backups,
     * listed and restorable into a database of the workspace.
     */
    @Test
    void projectKeysCannotReachTheRepositoryAndAProjectsDeletionKeepsItsBackups() throws Exception {
        String project = api.post("/api/v1/projects", "{\"name\":\"backed-up project\"}").text("id");
        List<String> made = new ArrayList<>();
        try {
            Api.Reply db = api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"redis\"}");
            assertThat(db.status()).as(db.raw()).isEqualTo(201);
            String id = db.text("id");
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(60));
            items("redis", id).add(1, 40);
            String bkp = api.post(dbs.base() + "/" + id + "/backups", "").text("id");
            awaitBackup(bkp, "completed");

            Path repository = Host.DATA_DIR.resolve("objects/system/strata-backups");
            Path folder = repository.resolve("databases").resolve(id);
            String someKey;
            try (Stream<Path> files = Files.walk(folder)) {
                someKey = repository.relativize(files.filter(Files::isRegularFile).findFirst().orElseThrow()).toString();
            }
            Map<Path, String> before = digests(folder);
            Api.Reply bucket = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"own-bucket\"}");
            assertThat(bucket.status()).as(bucket.raw()).isEqualTo(201);
            try (S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, project))) {
                assertThatThrownBy(() -> s3.listObjectsV2(b -> b.bucket("strata-backups")))
                        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isIn(403, 404));
                assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("strata-backups").key(someKey)))
                        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isIn(403, 404));
                assertThatThrownBy(() -> s3.putObject(b -> b.bucket("strata-backups").key(someKey), RequestBody.fromString("overwritten")))
                        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isIn(403, 404));
                // s3proxy answers a delete in a bucket the key's project does not have with 204 (S3 would say
                // NoSuchBucket); what counts is that the repository's file is still there, checked below
                try {
                    s3.deleteObject(b -> b.bucket("strata-backups").key(someKey));
                } catch (S3Exception e) {
                    assertThat(e.statusCode()).isIn(403, 404);
                }
                // a key of its own that climbs out of its bucket reaches nothing either
                assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("own-bucket").key("../../../system/strata-backups/" + someKey)))
                        .isInstanceOf(S3Exception.class);
            }
            assertThat(digests(folder)).as("the backup's files are unchanged").isEqualTo(before);

            Api.Reply deleted = api.delete("/api/v1/projects/" + project);
            assertThat(deleted.status()).as(deleted.raw()).isIn(202, 204);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> api.get(dbs.path(id)).status() == 404);
            JsonNode kept = api.get("/api/v1/workspaces/" + ws + "/backups/" + bkp).json();
            assertThat(kept.path("status").asText()).as(kept.toString()).isEqualTo("completed");
            assertThat(api.get("/api/v1/workspaces/" + ws + "/backups?databaseId=" + id).json().path("meta").path("total").asInt()).isEqualTo(1);
            Api.Reply copy = api.post("/api/v1/workspaces/" + ws + "/backups/" + bkp + "/restore",
                    "{\"name\":\"rescued\",\"slug\":\"bk-rescued\"}");
            assertThat(copy.status()).as(copy.raw()).isEqualTo(201);
            made.add(copy.text("id"));
            dbs.awaitStatus(copy.text("id"), "ready", RESTORE);
            assertThat(items("redis", copy.text("id")).count()).isEqualTo(40);
        } finally {
            made.forEach(dbs::deleteQuietly);
            api.delete("/api/v1/projects/" + project);
        }
    }

    /** Each file under {@code dir} with the SHA-256 of its bytes. */
    private static Map<Path, String> digests(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            Map<Path, String> out = new java.util.TreeMap<>();
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
            return out;
        }
    }

    private Items items(String engine, String id) {
        return Items.of(dbs, engine, id);
    }

    // --- helpers ---

    private static java.time.Instant Instant(String text) {
        return java.time.Instant.parse(text);
    }

    private void assertProblem(Api.Reply r, int status, String field) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errors").toString()).contains("\"" + field + "\"");
    }

    private JsonNode awaitBackup(String bkp, String status) {
        await().atMost(BACKUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode b = api.get("/api/v1/workspaces/" + ws + "/backups/" + bkp).json();
            assertThat(b.path("status").asText()).as(b.toString()).isIn(status, "pending", "running");
            assertThat(b.path("status").asText()).as(b.toString()).isEqualTo(status);
        });
        return api.get("/api/v1/workspaces/" + ws + "/backups/" + bkp).json();
    }

    private List<JsonNode> backupsOf(String id) {
        Api.Reply r = api.get(dbs.base() + "/" + id + "/backups?limit=100");
        List<JsonNode> out = new ArrayList<>();
        r.json().path("data").forEach(out::add);
        return out;
    }

    private String jdbc(String id) {
        return dbs.connection(id).path("jdbcUrl").asText();
    }

    /** Files of the database's folder in the embedded repository whose bytes contain {@code text}. */
    private static List<Path> repositoryFilesContaining(String dbId, String text) throws Exception {
        Path folder = Host.DATA_DIR.resolve("objects/system/strata-backups/databases").resolve(dbId);
        assertThat(folder).isDirectory();
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                if (indexOf(bytes, needle) >= 0) {
                    hits.add(f);
                }
            }
        }
        return hits;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
