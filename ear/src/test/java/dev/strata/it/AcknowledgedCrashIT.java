package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acknowledged means durable, in the default setup (metadata in the PostgreSQL server Strata runs in its data
 * directory, as {@code ./strata run} has it). Each round: a batch of API calls that change projects, databases and
 * buckets, every one acknowledged (2xx), plus one bucket create still in flight; SIGKILL of the control plane right
 * after the last acknowledgement; restart. Then every acknowledged change is there (creates exist, the resize
 * holds, deletes are gone and stay gone), the in-flight create is either wholly there or not at all, the disk holds
 * exactly what the API lists (instance directories, bucket directories), and no instance runs a second server.
 * Odd rounds create (a project, a Redis database in it, a bucket, a PostgreSQL database of no project) and resize;
 * even rounds create and resize too, and delete one of each kind (a database, the oldest project with everything in
 * it, a bucket of a live project). {@code -Dcrash.rounds} (default 2: the least that has every kind of create,
 * resize and delete in it) sets the number of rounds; {@code bench/crash/run.sh} runs 100 and writes the outcome to
 * {@code bench/crash/results.md}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AcknowledgedCrashIT {

    private static final int ROUNDS = Integer.getInteger("crash.rounds", 2);
    private static final java.util.Random RANDOM = new java.util.Random();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final String ws = api.workspaceId();
    private final TestDatabases dbs = new TestDatabases(api, ws);

    /** What the acknowledgements promise. */
    private final Map<String, String> projects = new LinkedHashMap<>();            // id -> name
    private final Map<String, Integer> databases = new LinkedHashMap<>();          // id -> storageGb
    private final Map<String, String> buckets = new LinkedHashMap<>();             // id -> project id
    private final Map<String, String> bucketNames = new LinkedHashMap<>();         // id -> name
    private final Set<String> deletedProjects = new HashSet<>();
    private final Set<String> deletedDatabases = new HashSet<>();
    private final Set<String> deletedBuckets = new HashSet<>();
    private final Map<String, String> databaseProject = new LinkedHashMap<>();     // id -> project id (or null)

    @Test
    void everyAcknowledgedChangeSurvivesSigkill() throws Exception {
        Instant began = Instant.now();
        int inFlightLanded = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            String inFlightName = batch(round);
            CompletableFuture<Api.Reply> inFlight = CompletableFuture.supplyAsync(() -> api.post("/api/v1/storage/buckets",
                    "{\"projectId\":\"" + newestProject() + "\",\"name\":\"" + inFlightName + "\"}"));
            // the kill lands at a different point of the in-flight request each round: before it, during it, after it
            try {
                inFlight.get(RANDOM.nextInt(120), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // killed while it runs
            }
            ControlPlane.kill();
            inFlight.handle((r, e) -> null).join();
            ControlPlane.start();

            verify(round);
            if (inFlightLanded(inFlightName)) {
                inFlightLanded++;
            }
        }
        String summary = ROUNDS + " rounds of acknowledged creates, resizes and deletes, each followed by SIGKILL of the control plane"
                + " and a restart, in " + Duration.between(began, Instant.now()).toSeconds() + " s: every acknowledged change present,"
                + " no half-made in-flight create (" + inFlightLanded + " of " + ROUNDS + " in-flight bucket creates had landed, whole),"
                + " disk and API agreeing, never a second server on an instance; at the end " + projects.size() + " projects, "
                + databases.size() + " databases, " + buckets.size() + " buckets alive, " + deletedProjects.size() + " projects, "
                + deletedDatabases.size() + " databases and " + deletedBuckets.size() + " buckets deleted.";
        System.out.println(summary);
        String out = System.getProperty("crash.summary");
        if (out != null) {
            Files.writeString(Path.of(out), summary + "\n");
        }
        cleanUp();
    }

    /** One round's acknowledged calls; returns the name the in-flight bucket create will use. */
    private String batch(int round) {
        String project = ack(api.post("/api/v1/projects", "{\"name\":\"crash round " + round + "\"}"), 201).text("id");
        projects.put(project, "crash round " + round);

        Api.Reply db = ack(api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"redis\"}"), 201);
        databases.put(db.text("id"), db.json().path("storageGb").asInt());
        databaseProject.put(db.text("id"), project);

        String bucketName = "crash-" + round + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        Api.Reply bucket = ack(api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"" + bucketName + "\"}"), 201);
        buckets.put(bucket.text("id"), project);
        bucketNames.put(bucket.text("id"), bucketName);

        if (round % 2 == 1) {
            // a PostgreSQL database of no project, in the workspace dialect; deleted the round after
            String slug = "crash-pg-" + round;
            Api.Reply pg = ack(api.post(dbs.base(), "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"postgresql\"}"), 201);
            databases.put(pg.text("id"), pg.json().path("storageGb").asInt());
            databaseProject.put(pg.text("id"), null);
        }

        // grow the storage of the oldest database still alive
        databases.keySet().stream().findFirst().ifPresent(id -> {
            int grown = databases.get(id) + 1;
            ack(api.patch(dbs.path(id), "{\"storageGb\":" + grown + "}"), 200);
            databases.put(id, grown);
        });

        if (round % 2 == 0) {
            // delete a database of no project, or else the oldest project database
            String victim = databases.keySet().stream().filter(id -> databaseProject.get(id) == null).findFirst()
                    .orElse(databases.keySet().stream().findFirst().orElseThrow());
            ack(api.delete(dbs.path(victim)), 204);
            forgetDatabase(victim);
        }
        if (round % 2 == 0) {
            // delete the oldest project with everything in it
            String victim = projects.keySet().iterator().next();
            ack(api.delete("/api/v1/projects/" + victim), 204);
            projects.remove(victim);
            deletedProjects.add(victim);
            new ArrayList<>(databaseProject.entrySet()).stream().filter(e -> victim.equals(e.getValue()))
                    .forEach(e -> forgetDatabase(e.getKey()));
            new ArrayList<>(buckets.entrySet()).stream().filter(e -> e.getValue().equals(victim)).forEach(e -> {
                buckets.remove(e.getKey());
                deletedBuckets.add(e.getKey());
            });
        }
        if (round % 2 == 0) {
            // delete a bucket of a live project
            buckets.keySet().stream().findFirst().ifPresent(id -> {
                ack(api.delete("/api/v1/storage/buckets/" + id), 204);
                buckets.remove(id);
                deletedBuckets.add(id);
            });
        }
        return "inflight-" + round + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    private void verify(int round) throws Exception {
        String at = "after round " + round + ": ";
        for (Map.Entry<String, String> p : projects.entrySet()) {
            Api.Reply r = api.get("/api/v1/projects/" + p.getKey());
            assertThat(r.status()).as(at + "acknowledged project " + p.getKey() + ": " + r.raw()).isEqualTo(200);
            assertThat(r.text("name")).isEqualTo(p.getValue());
        }
        for (String p : deletedProjects) {
            assertThat(api.get("/api/v1/projects/" + p).status()).as(at + "deleted project " + p).isEqualTo(404);
        }
        for (Map.Entry<String, Integer> d : databases.entrySet()) {
            Api.Reply r = api.get(dbs.path(d.getKey()));
            assertThat(r.status()).as(at + "acknowledged database " + d.getKey() + ": " + r.raw()).isEqualTo(200);
            assertThat(r.json().path("storageGb").asInt()).as(at + "acknowledged resize of " + d.getKey()).isEqualTo(d.getValue());
            assertThat(r.text("status")).as(at + d.getKey()).isNotEqualTo("deleting");
        }
        for (Map.Entry<String, String> b : buckets.entrySet()) {
            Api.Reply r = api.get("/api/v1/storage/buckets/" + b.getKey());
            assertThat(r.status()).as(at + "acknowledged bucket " + b.getKey() + ": " + r.raw()).isEqualTo(200);
        }
        for (String b : deletedBuckets) {
            assertThat(api.get("/api/v1/storage/buckets/" + b).status()).as(at + "deleted bucket " + b).isEqualTo(404);
        }
        // deletes finish; creates become ready; the disk agrees with the API
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String d : deletedDatabases) {
                assertThat(api.get(dbs.path(d)).status()).as(at + "deleted database " + d).isEqualTo(404);
            }
            for (String d : databases.keySet()) {
                assertThat(api.get(dbs.path(d)).text("status")).as(at + d).isEqualTo("ready");
            }
            // this test's own: other tests (and other workspaces) may have theirs on the same server
            Set<String> mine = new TreeSet<>(databases.keySet());
            mine.addAll(deletedDatabases);
            Set<String> dirs = new TreeSet<>(Host.instanceDirs());
            dirs.retainAll(mine);
            Set<String> listed = listedDatabaseIds();
            listed.retainAll(mine);
            assertThat(dirs).as(at + "instance directories").isEqualTo(listed).isEqualTo(databases.keySet());
            assertThat(bucketDirs()).as(at + "bucket directories").isEqualTo(listedBucketDirs());
        });
        for (String d : databases.keySet()) {
            assertThat(Host.serverProcesses(d)).as(at + "server processes of " + d).hasSize(1);
        }
        for (String d : deletedDatabases) {
            assertThat(Host.anyProcessOf(d)).as(at + "processes of deleted " + d).isEmpty();
        }
    }

    /** Whether the bucket create that was in flight at the kill landed; if it did, wholly (listed and on disk). */
    private boolean inFlightLanded(String name) throws IOException {
        List<String> ids = new ArrayList<>();
        api.get("/api/v1/storage/buckets").json().path("data").forEach(b -> {
            if (b.path("name").asText().equals(name)) {
                ids.add(b.path("id").asText());
            }
        });
        if (ids.isEmpty()) {
            assertThat(bucketDirs()).as("in-flight bucket " + name + " did not land: no directory").noneMatch(d -> d.endsWith("/" + name));
            return false;
        }
        assertThat(ids).hasSize(1);
        String project = newestProject();
        buckets.put(ids.get(0), project);
        bucketNames.put(ids.get(0), name);
        assertThat(bucketDirs()).as("in-flight bucket " + name + " landed: its directory").contains(project + "/" + name);
        return true;
    }

    private String newestProject() {
        return new ArrayList<>(projects.keySet()).get(projects.size() - 1);
    }

    private void forgetDatabase(String id) {
        databases.remove(id);
        databaseProject.remove(id);
        deletedDatabases.add(id);
    }

    private Api.Reply ack(Api.Reply r, int status) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        return r;
    }

    private Set<String> listedDatabaseIds() {
        Set<String> ids = new TreeSet<>();
        for (int page = 1; ; page++) {
            Api.Reply r = api.get(dbs.base() + "?limit=100&page=" + page);
            r.json().path("data").forEach(d -> ids.add(d.path("id").asText()));
            if (r.json().path("data").size() < 100) {
                return ids;
            }
        }
    }

    /** {@code <project id>/<bucket name>} of every bucket the API lists in this test's projects. */
    private Set<String> listedBucketDirs() {
        Set<String> dirs = new TreeSet<>();
        api.get("/api/v1/storage/buckets").json().path("data").forEach(b -> {
            if (projects.containsKey(b.path("projectId").asText()) || deletedProjects.contains(b.path("projectId").asText())) {
                dirs.add(b.path("projectId").asText() + "/" + b.path("name").asText());
            }
        });
        return dirs;
    }

    /** {@code <project id>/<bucket name>} of every bucket directory on disk in this test's projects. */
    private Set<String> bucketDirs() throws IOException {
        Path root = Host.DATA_DIR.resolve("objects").resolve("buckets");
        Set<String> dirs = new TreeSet<>();
        if (!Files.isDirectory(root)) {
            return dirs;
        }
        try (Stream<Path> all = Files.list(root)) {
            for (Path p : all.filter(d -> projects.containsKey(d.getFileName().toString())
                    || deletedProjects.contains(d.getFileName().toString())).toList()) {
                try (Stream<Path> bs = Files.list(p)) {
                    bs.filter(Files::isDirectory).forEach(b -> dirs.add(p.getFileName() + "/" + b.getFileName()));
                }
            }
        }
        return dirs;
    }

    private void cleanUp() {
        for (String p : new ArrayList<>(projects.keySet())) {
            api.delete("/api/v1/projects/" + p);
        }
        for (String d : new ArrayList<>(databases.keySet())) {
            dbs.deleteQuietly(d);
        }
    }
}
