package dev.strata.it;

import static dev.strata.it.TestDatabases.count;
import static dev.strata.it.TestDatabases.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Point-in-time restore and branches of PostgreSQL through the API, against the deployed EAR, real servers,
 * pgBackRest and its WAL archive in the embedded repository: rows written at T1, a moment T taken from the
 * server's clock, rows written at T2; a branch at T and an in-place restore to T have T1's rows and not T2's; a
 * branch of the present has both and is independent both ways; a reset brings a branch to its parent's present
 * with its own credentials; a branch outlives its parent; bad requests get a clear 4xx and create nothing.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PointInTimeIT {

    private static final Duration BACKUP = Duration.ofSeconds(120);
    private static final Duration RESTORE = Duration.ofSeconds(180);
    /** Strata closes archive files every 25 s; the upload takes a moment: a change is in the repository within a minute. */
    private static final Duration RPO = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final String ws = api.workspaceId();
    private final TestDatabases dbs = new TestDatabases(api, ws);

    @Test
    void restoreAndBranchToAMomentBranchesAreIndependentResetAndOutliveTheirParent() throws Exception {
        String id = dbs.create("pitr-orders");
        List<String> made = new ArrayList<>(List.of(id));
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            String path = dbs.path(id);
            String url = jdbc(id);
            exec(url, "CREATE TABLE items (n int primary key)");

            // before any base backup: a window with no ends, and a moment is refused with the reason
            JsonNode empty = api.get(path + "/recovery-window").json();
            assertThat(empty.path("pointInTime").asBoolean()).as(empty.toString()).isTrue();
            assertThat(empty.has("earliest")).as(empty.toString()).isFalse();
            assertThat(empty.path("message").asText()).contains("no base backup");
            assertProblem(api.post(path + "/restore", "{\"pointInTime\":\"" + Instant.now() + "\"}"), 422, "pointInTime", "no base backup");

            String base = api.post(path + "/backups", "").text("id");
            awaitBackup(base);
            exec(url, "INSERT INTO items SELECT generate_series(1, 100)");
            String t = serverNow(url); // after T1's commit, before T2's
            exec(url, "INSERT INTO items SELECT generate_series(101, 150)");
            // continuous archiving: the WAL segment holding T2's commit reaches the repository by itself within the RPO
            String segment = TestDatabases.queryOne(url, "SELECT pg_walfile_name(pg_current_wal_lsn())");
            await().atMost(RPO).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(archived(id, "pgbackrest/archive")).as("archived WAL").anyMatch(f -> f.startsWith(segment)));

            JsonNode window = api.get(path + "/recovery-window").json();
            assertThat(window.path("pointInTime").asBoolean()).isTrue();
            Instant earliest = Instant.parse(window.path("earliest").asText());
            Instant latest = Instant.parse(window.path("latest").asText());
            // shown in whole seconds, the start rounded up
            assertThat(earliest).isBeforeOrEqualTo(Instant.parse(t).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1))
                    .isAfterOrEqualTo(Instant.parse(api.get("/api/v1/workspaces/" + ws + "/backups/" + base).text("startedAt")));
            assertThat(latest).isAfterOrEqualTo(Instant.parse(t).minusSeconds(1));

            // refusals: outside the window (422 naming it), not a time, both kinds of restore, a slug taken, not a branch
            String before = earliest.minusSeconds(3600).toString();
            assertProblem(api.post(path + "/branches", "{\"name\":\"Too old\",\"slug\":\"pitr-too-old\",\"pointInTime\":\"" + before + "\"}"),
                    422, "pointInTime", window.path("earliest").asText());
            assertProblem(api.post(path + "/restore", "{\"pointInTime\":\"" + Instant.now().plusSeconds(3600) + "\"}"), 422, "pointInTime",
                    window.path("earliest").asText());
            assertProblem(api.post(path + "/restore", "{\"pointInTime\":\"yesterday\"}"), 400, "pointInTime", "RFC 3339");
            assertProblem(api.post(path + "/restore", "{\"pointInTime\":\"" + t + "\",\"backupId\":\"" + base + "\"}"), 400, "pointInTime", "not both");
            assertProblem(api.post(path + "/branches", "{\"name\":\"Taken\",\"slug\":\"pitr-orders\"}"), 409, "slug", "already exists");
            assertProblem(api.post(path + "/branches", "{\"name\":\"Bad\",\"slug\":\"Not A Slug\"}"), 400, "slug", "slug");
            assertThat(api.post(path + "/reset", "").status()).as("not a branch").isEqualTo(422);
            assertThat(api.post(dbs.path("db_01aaaaaaaaaaaaaaaaaaaaaaaa") + "/branches", "{\"name\":\"X\",\"slug\":\"pitr-x\"}").status()).isEqualTo(404);
            String otherKey = "strata_sk_pitrOther" + System.nanoTime();
            String otherWs = Tenants.insertWorkspaceWithKey(otherKey, false);
            Api other = new Api(otherKey);
            assertThat(other.post("/api/v1/workspaces/" + otherWs + "/databases/" + id + "/branches", "{\"name\":\"Steal\",\"slug\":\"pitr-steal\"}")
                    .status()).as("another workspace's database").isEqualTo(404);
            assertThat(other.get("/api/v1/workspaces/" + otherWs + "/databases").json().path("meta").path("total").asInt()).isZero();
            assertThat(api.get(path + "/branches").json().path("data")).as("nothing was created").isEmpty();
            assertThat(backupsOf(id)).as("no backup was taken by a refused request").hasSize(1);

            // a branch at T: T1's rows, not T2's
            Api.Reply atT = api.post(path + "/branches", "{\"name\":\"Orders at T\",\"slug\":\"pitr-at-t\",\"pointInTime\":\"" + t + "\"}");
            assertThat(atT.status()).as(atT.raw()).isEqualTo(201);
            String branchAtT = atT.text("id");
            made.add(branchAtT);
            assertThat(atT.text("parentId")).isEqualTo(id);
            assertThat(Instant.parse(atT.text("branchPoint"))).isEqualTo(Instant.parse(t).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            // a branch of the present: both
            Api.Reply now = api.post(path + "/branches", "{\"name\":\"Orders now\",\"slug\":\"pitr-now\"}");
            assertThat(now.status()).as(now.raw()).isEqualTo(201);
            String branchNow = now.text("id");
            made.add(branchNow);
            assertThat(now.text("parentId")).isEqualTo(id);
            dbs.awaitStatus(branchAtT, "ready", RESTORE);
            dbs.awaitStatus(branchNow, "ready", RESTORE);
            assertThat(count(jdbc(branchAtT))).isEqualTo(100);
            assertThat(count(jdbc(branchNow))).isEqualTo(150);
            // the present is copied straight from the parent's files (cloned where the file system can), and says so
            assertThat(api.get(dbs.path(branchNow)).text("statusMessage")).matches(".*made by a (copy-on-write clone \\(reflink\\)|full copy) of the parent's files.*");
            assertThat(api.get(dbs.path(branchAtT)).text("statusMessage")).contains("archive replayed");
            assertThat(backupsOf(id)).as("a branch of the present needs no backup").hasSize(1);

            JsonNode listed = api.get(path + "/branches").json().path("data");
            assertThat(listed).hasSize(2);
            listed.forEach(b -> assertThat(b.path("parentId").asText()).isEqualTo(id));

            // a branch is a database of its own: own port and password, writes do not cross either way
            JsonNode parentConn = dbs.connection(id);
            JsonNode branchConn = dbs.connection(branchNow);
            assertThat(branchConn.path("port").asInt()).isNotEqualTo(parentConn.path("port").asInt());
            assertThat(branchConn.path("password").asText()).isNotEqualTo(parentConn.path("password").asText());
            exec(jdbc(branchNow), "INSERT INTO items VALUES (1000)");
            exec(url, "INSERT INTO items VALUES (2000), (2001)");
            assertThat(count(url)).isEqualTo(152);
            assertThat(count(jdbc(branchNow))).isEqualTo(151);

            // reset from parent: the parent's present, the branch's own credentials
            Api.Reply reset = api.post(dbs.path(branchNow) + "/reset", "");
            assertThat(reset.status()).as(reset.raw()).isEqualTo(202);
            assertThat(reset.text("status")).isEqualTo("updating");
            dbs.awaitStatus(branchNow, "ready", RESTORE);
            assertThat(count(jdbc(branchNow))).isEqualTo(152);
            assertThat(TestDatabases.exists(jdbc(branchNow), 1000)).as("the branch's own write is gone").isFalse();
            assertThat(dbs.connection(branchNow).path("password").asText()).isEqualTo(branchConn.path("password").asText());
            assertThat(backupsOf(branchNow)).as("a safety backup of the branch came first")
                    .anySatisfy(b -> assertThat(b.path("trigger").asText()).isEqualTo("pre-restore"));

            // a branch of a sleeping parent: its files as they are, the parent left asleep
            assertThat(api.post(path + "/sleep", "").status()).isEqualTo(202);
            dbs.awaitStatus(id, "sleeping", Duration.ofSeconds(60));
            Api.Reply asleep = api.post(path + "/branches", "{\"name\":\"Orders asleep\",\"slug\":\"pitr-asleep\"}");
            assertThat(asleep.status()).as(asleep.raw()).isEqualTo(201);
            made.add(asleep.text("id"));
            dbs.awaitStatus(asleep.text("id"), "ready", RESTORE);
            assertThat(count(jdbc(asleep.text("id")))).isEqualTo(152);
            assertThat(api.get(path).text("status")).isEqualTo("sleeping");
            dbs.deleteAndAwaitGone(asleep.text("id"));
            assertThat(api.post(path + "/wake", "").status()).isEqualTo(202);
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(60));

            // in place, to T: T1's rows only, after a safety backup; same connection details
            Api.Reply inPlace = api.post(path + "/restore", "{\"pointInTime\":\"" + t + "\"}");
            assertThat(inPlace.status()).as(inPlace.raw()).isEqualTo(202);
            assertThat(inPlace.text("status")).isEqualTo("updating");
            dbs.awaitStatus(id, "ready", RESTORE);
            assertThat(jdbc(id)).isEqualTo(url);
            assertThat(count(url)).isEqualTo(100);
            assertThat(backupsOf(id)).anySatisfy(b -> {
                assertThat(b.path("trigger").asText()).isEqualTo("pre-restore");
                assertThat(b.path("status").asText()).isEqualTo("completed");
            });
            // the archive from before an in-place restore leads elsewhere: the window starts again with the next backup
            JsonNode afterRestore = api.get(path + "/recovery-window").json();
            assertThat(afterRestore.has("earliest")).as(afterRestore.toString()).isFalse();
            assertThat(afterRestore.path("message").asText()).contains("since the in-place restore");
            assertProblem(api.post(path + "/restore", "{\"pointInTime\":\"" + t + "\"}"), 422, "pointInTime", "since the in-place restore");

            // the event log (issue 17): the parent's branches, its backups and the in-place restore, each with what it names
            String events = "/api/v1/workspaces/" + ws + "/events?databaseId=" + id + "&limit=100";
            JsonNode branched = api.get(events + "&type=database.branched").json().path("data");
            List<String> branchIds = new ArrayList<>();
            branched.forEach(e -> {
                assertThat(e.path("type").asText()).isEqualTo("database.branched");
                assertThat(e.path("databaseId").asText()).isEqualTo(id);
                assertThat(e.path("data").path("branchPoint").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
                branchIds.add(e.path("data").path("branchId").asText());
            });
            assertThat(branchIds).containsExactlyInAnyOrder(branchAtT, branchNow, asleep.text("id"));
            JsonNode atTEvent = StreamSupport.stream(branched.spliterator(), false)
                    .filter(e -> e.path("data").path("branchId").asText().equals(branchAtT)).findFirst().orElseThrow();
            assertThat(Instant.parse(atTEvent.path("data").path("branchPoint").asText())).isEqualTo(Instant.parse(atT.text("branchPoint")));
            assertThat(atTEvent.path("message").asText()).contains("Orders at T").contains(branchAtT);

            JsonNode restored = api.get(events + "&type=database.restored").json().path("data");
            assertThat(restored).as(restored.toString()).hasSize(1);
            assertThat(restored.get(0).path("backupId").asText()).as("the base backup the restore started from").isEqualTo(base);
            assertThat(restored.get(0).path("data").path("backupId").asText()).isEqualTo(base);
            assertThat(Instant.parse(restored.get(0).path("data").path("targetTime").asText()))
                    .isBetween(Instant.parse(t).minusSeconds(1), Instant.parse(t).plusSeconds(1));

            JsonNode completed = api.get(events + "&type=backup.completed").json().path("data");
            assertThat(StreamSupport.stream(completed.spliterator(), false).map(e -> e.path("backupId").asText()))
                    .contains(base).containsAll(backupsOf(id).stream().filter(b -> b.path("status").asText().equals("completed"))
                            .map(b -> b.path("id").asText()).toList());
            assertThat(StreamSupport.stream(completed.spliterator(), false).map(e -> e.path("data").path("trigger").asText()))
                    .contains("manual", "pre-restore");
            // in the order they happened
            List<String> order = new ArrayList<>(StreamSupport.stream(api.get(events).json().path("data").spliterator(), false)
                    .map(e -> e.path("type").asText()).toList());
            java.util.Collections.reverse(order);
            assertThat(order).containsSubsequence("database.created", "backup.completed", "database.branched", "database.restored");

            // a branch has backups of its own, and sleeps and wakes with its data
            String own = api.post(dbs.path(branchAtT) + "/backups", "").text("id");
            assertThat(awaitBackup(own).path("databaseId").asText()).isEqualTo(branchAtT);
            assertThat(api.post(dbs.path(branchAtT) + "/sleep", "").status()).isEqualTo(202);
            dbs.awaitStatus(branchAtT, "sleeping", Duration.ofSeconds(60));
            assertThat(api.post(dbs.path(branchAtT) + "/wake", "").status()).isEqualTo(202);
            dbs.awaitStatus(branchAtT, "ready", Duration.ofSeconds(60));
            assertThat(count(jdbc(branchAtT))).isEqualTo(100);

            // the parent deleted: its branches live on, still naming it; a branch of a deleted database is refused
            dbs.deleteAndAwaitGone(id);
            assertThat(api.post(path + "/branches", "{\"name\":\"Orphan\",\"slug\":\"pitr-orphan\"}").status()).isEqualTo(404);
            for (String b : List.of(branchAtT, branchNow)) {
                Api.Reply r = api.get(dbs.path(b));
                assertThat(r.text("status")).isEqualTo("ready");
                assertThat(r.text("parentId")).isEqualTo(id);
            }
            exec(jdbc(branchAtT), "INSERT INTO items VALUES (3000)");
            assertThat(count(jdbc(branchAtT))).isEqualTo(101);
            assertThat(api.post(dbs.path(branchNow) + "/reset", "").status()).as("nothing to reset from").isEqualTo(422);
        } finally {
            made.forEach(dbs::deleteQuietly);
        }
    }

    /**
     * MariaDB: binary logs shipped to the repository and replayed up to the moment. Binary log events carry whole
     * seconds, so T1, T and T2 lie in different seconds of the server's clock (waited for, not slept).
     */
    @Test
    void mysqlRestoresAndBranchesToAMomentFromItsBinaryLogs() throws Exception {
        String id = dbs.create("pitr-shop", "{\"name\":\"pitr-shop\",\"slug\":\"pitr-shop\",\"engine\":\"mysql\"}");
        List<String> made = new ArrayList<>(List.of(id));
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            String path = dbs.path(id);
            String url = jdbc(id);
            exec(url, "CREATE TABLE items (n int primary key)");
            awaitBackup(api.post(path + "/backups", "").text("id"));
            JsonNode window = api.get(path + "/recovery-window").json();
            assertThat(window.path("pointInTime").asBoolean()).as(window.toString()).isTrue();
            assertThat(window.path("earliest").asText()).isNotEmpty();

            exec(url, "INSERT INTO items SELECT seq FROM seq_1_to_100");
            String t = nextSecond(url, mysqlNow(url));
            nextSecond(url, t);
            exec(url, "INSERT INTO items SELECT seq FROM seq_101_to_150");
            // continuous archiving: a binary log file is shipped after T2's commit, by itself, within the RPO
            int shipped = archived(id, "binlog").size();
            await().atMost(RPO).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(archived(id, "binlog").size()).as("shipped binary logs").isGreaterThan(shipped));

            Api.Reply atT = api.post(path + "/branches", "{\"name\":\"Shop at T\",\"slug\":\"pitr-shop-at-t\",\"pointInTime\":\"" + t + "\"}");
            assertThat(atT.status()).as(atT.raw()).isEqualTo(201);
            made.add(atT.text("id"));
            Api.Reply now = api.post(path + "/branches", "{\"name\":\"Shop now\",\"slug\":\"pitr-shop-now\"}");
            assertThat(now.status()).as(now.raw()).isEqualTo(201);
            made.add(now.text("id"));
            dbs.awaitStatus(atT.text("id"), "ready", RESTORE);
            dbs.awaitStatus(now.text("id"), "ready", RESTORE);
            assertThat(count(jdbc(atT.text("id")))).isEqualTo(100);
            assertThat(count(jdbc(now.text("id")))).isEqualTo(150);

            Api.Reply inPlace = api.post(path + "/restore", "{\"pointInTime\":\"" + t + "\"}");
            assertThat(inPlace.status()).as(inPlace.raw()).isEqualTo(202);
            dbs.awaitStatus(id, "ready", RESTORE);
            assertThat(count(url)).isEqualTo(100);
            exec(url, "INSERT INTO items VALUES (5000)");
            assertThat(count(jdbc(now.text("id")))).as("the branch is its own").isEqualTo(150);
        } finally {
            made.forEach(dbs::deleteQuietly);
        }
    }

    /** Redis has no continuous archive: its window says so and lists its snapshots; a branch is made from a snapshot taken then. */
    @Test
    void redisBranchesFromASnapshotAndSaysItHasNoPointInTime() throws Exception {
        String id = dbs.create("pitr-cache", "{\"name\":\"pitr-cache\",\"slug\":\"pitr-cache\",\"engine\":\"redis\"}");
        List<String> made = new ArrayList<>(List.of(id));
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            Items items = Items.of(dbs, "redis", id);
            items.add(1, 500);
            JsonNode window = api.get(dbs.path(id) + "/recovery-window").json();
            assertThat(window.path("pointInTime").asBoolean()).as(window.toString()).isFalse();
            assertThat(window.path("message").asText()).contains("no continuous archive");
            assertThat(window.path("snapshots")).isEmpty();
            assertProblem(api.post(dbs.path(id) + "/restore", "{\"pointInTime\":\"" + Instant.now() + "\"}"), 422, "pointInTime",
                    "no continuous archive");
            assertProblem(api.post(dbs.path(id) + "/branches", "{\"name\":\"Old\",\"slug\":\"pitr-cache-old\",\"pointInTime\":\""
                    + Instant.now() + "\"}"), 422, "pointInTime", "no continuous archive");

            Api.Reply branch = api.post(dbs.path(id) + "/branches", "{\"name\":\"Cache copy\",\"slug\":\"pitr-cache-copy\"}");
            assertThat(branch.status()).as(branch.raw()).isEqualTo(201);
            made.add(branch.text("id"));
            assertThat(branch.text("parentId")).isEqualTo(id);
            dbs.awaitStatus(branch.text("id"), "ready", RESTORE);
            Items copy = Items.of(dbs, "redis", branch.text("id"));
            assertThat(copy.count()).isEqualTo(500);
            assertThat(api.get(dbs.path(branch.text("id"))).text("statusMessage")).contains("made from its backup");
            items.add(501, 510);
            assertThat(copy.count()).as("independent").isEqualTo(500);
            JsonNode after = api.get(dbs.path(id) + "/recovery-window").json();
            assertThat(after.path("snapshots")).as("the snapshot the branch was made from").hasSize(1);
        } finally {
            made.forEach(dbs::deleteQuietly);
        }
    }

    @Test
    void aDeletingDatabaseIsNotBranched() {
        String id = dbs.create("pitr-going");
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            assertThat(api.delete(dbs.path(id)).status()).isEqualTo(204);
            Api.Reply r = api.post(dbs.path(id) + "/branches", "{\"name\":\"Late\",\"slug\":\"pitr-late\"}");
            // deleting (409) or already gone (404): either way a clear refusal, and nothing created
            assertThat(r.status()).as(r.raw()).isIn(404, 409);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(api.get(dbs.base() + "?search=pitr-late").json().path("meta").path("total").asInt()).isZero();
        } finally {
            dbs.deleteQuietly(id);
        }
    }

    // --- helpers ---

    /** The database server's clock (UTC, microseconds), RFC 3339. */
    private static String serverNow(String url) throws Exception {
        return TestDatabases.queryOne(url, TestDatabases.POSTGRES_NOW);
    }

    /** Names of the files under {@code databases/<id>/<folder>} in the embedded backup repository. */
    private static List<String> archived(String dbId, String folder) throws java.io.IOException {
        java.nio.file.Path dir = Host.DATA_DIR.resolve("objects/system/strata-backups/databases").resolve(dbId).resolve(folder);
        if (!java.nio.file.Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        }
    }

    /** The MariaDB server's clock (UTC, microseconds), RFC 3339. */
    private static String mysqlNow(String url) throws Exception {
        return TestDatabases.queryOne(url, "SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ')");
    }

    /** Waits until the server's clock is in a later second than {@code after}; the server's time then. */
    private static String nextSecond(String url, String after) {
        Instant second = Instant.parse(after).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String[] seen = new String[1];
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            seen[0] = mysqlNow(url);
            return Instant.parse(seen[0]).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).isAfter(second);
        });
        return seen[0];
    }

    private void assertProblem(Api.Reply r, int status, String field, String inMessage) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.raw()).contains(inMessage);
        if (field != null) {
            assertThat(r.json().path("errors").toString()).as(r.raw()).contains("\"" + field + "\"");
        }
    }

    private JsonNode awaitBackup(String bkp) {
        await().atMost(BACKUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode b = api.get("/api/v1/workspaces/" + ws + "/backups/" + bkp).json();
            assertThat(b.path("status").asText()).as(b.toString()).isIn("completed", "pending", "running");
            assertThat(b.path("status").asText()).as(b.toString()).isEqualTo("completed");
        });
        return api.get("/api/v1/workspaces/" + ws + "/backups/" + bkp).json();
    }

    private List<JsonNode> backupsOf(String id) {
        List<JsonNode> out = new ArrayList<>();
        api.get(dbs.path(id) + "/backups?limit=100").json().path("data").forEach(out::add);
        return out;
    }

    private String jdbc(String id) {
        return dbs.connection(id).path("jdbcUrl").asText();
    }
}
