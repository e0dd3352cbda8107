package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /metrics} as Prometheus scrapes it (no sign-in, no key): Strata's own series with real values from a
 * Redis database that this test creates, reads, and whose server it kills.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {

    private static final String DB_ROUTE = "/api/v1/workspaces/{wsId}/databases/{dbId}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern ANY_ID = Pattern.compile("(ws|db|proj|bkt|bkp|key)_[0-9a-z]{10,}");

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private String ws;
    private TestDatabases dbs;
    private String id;

    @BeforeAll
    void aReadyRedis() {
        ws = api.workspaceId();
        dbs = new TestDatabases(api, ws);
        id = dbs.create("metrics-redis", "{\"name\":\"metrics redis\",\"slug\":\"metrics-redis\",\"engine\":\"redis\",\"memory\":\"128Mi\"}");
        dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
    }

    @AfterAll
    void removeIt() {
        dbs.deleteQuietly(id);
    }

    /** One sample line: name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Scrape(String contentType, String body, List<Sample> samples) {

        List<Sample> named(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).toList();
        }

        List<Sample> named(String name, Map<String, String> labels) {
            return named(name).stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
        }

        double sum(String name, Map<String, String> labels) {
            return named(name, labels).stream().mapToDouble(Sample::value).sum();
        }
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Api.BASE + path)).timeout(Duration.ofSeconds(30)).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Scrape scrape() throws Exception {
        HttpResponse<String> r = get("/metrics", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Sample> samples = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("not a sample line: %s", line).isTrue();
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            String value = m.group(3);
            samples.add(new Sample(m.group(1), labels, value.equals("+Inf") ? Double.POSITIVE_INFINITY
                    : value.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(value)));
        }
        return new Scrape(r.headers().firstValue("Content-Type").orElse(""), r.body(), samples);
    }

    @Test
    void strataSeriesWithoutSignInInPrometheusTextFormat() throws Exception {
        // requests to count: a database read (200), a database that does not exist (404, same route), no route at all
        assertThat(api.get(dbs.path(id)).status()).isEqualTo(200);
        assertThat(api.get(dbs.path(id) + "/status").status()).isEqualTo(200);
        assertThat(api.get(dbs.path("db_00000000000000000000000000")).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/no-such-resource").status()).isEqualTo(404);

        Scrape s = scrape();
        assertThat(s.contentType()).startsWith("text/plain").contains("version=0.0.4");

        assertThat(s.sum("strata_databases", Map.of("engine", "redis", "status", "ready"))).isGreaterThanOrEqualTo(1);

        Map<String, String> ok = Map.of("route", DB_ROUTE, "method", "GET", "status", "200");
        assertThat(s.named("strata_http_server_requests_seconds_bucket", ok)).isNotEmpty()
                .allSatisfy(b -> assertThat(b.labels()).containsKey("le"));
        assertThat(s.named("strata_http_server_requests_seconds_bucket", Map.of("route", DB_ROUTE, "method", "GET", "status", "200", "le", "+Inf")))
                .singleElement().satisfies(b -> assertThat(b.value()).isGreaterThanOrEqualTo(1));
        assertThat(s.sum("strata_http_server_requests_seconds_count", ok)).isGreaterThanOrEqualTo(1);
        assertThat(s.named("strata_http_server_requests_seconds_sum", ok)).singleElement()
                .satisfies(x -> assertThat(x.value()).isGreaterThan(0));
        Map<String, String> missing = Map.of("route", DB_ROUTE, "method", "GET", "status", "404");
        assertThat(s.sum("strata_http_server_requests_seconds_count", missing)).isGreaterThanOrEqualTo(1);
        assertThat(s.sum("strata_http_server_requests_seconds_count", Map.of("route", "/api/v1/workspaces/{wsId}/databases/{dbId}/status",
                "method", "GET", "status", "200"))).isGreaterThanOrEqualTo(1);
        assertThat(s.sum("strata_http_server_requests_seconds_count", Map.of("route", "unmatched", "status", "404"))).isGreaterThanOrEqualTo(1);

        // route labels are templates: never an id, never a raw path
        assertThat(s.named("strata_http_server_requests_seconds_count")).isNotEmpty().allSatisfy(x -> {
            String route = x.labels().get("route");
            assertThat(route).doesNotContain(ws).doesNotContain(id);
            assertThat(ANY_ID.matcher(route).find()).as(route).isFalse();
            assertThat(route.equals("unmatched") || route.matches("/api/v1(/([a-z0-9.-]+|\\{[A-Za-z]+}))*")).as(route).isTrue();
        });

        // the JVM's own series come along
        assertThat(s.named("jvm_memory_used_bytes")).isNotEmpty();
    }

    @Test
    void reconcilePassesAreCounted() throws Exception {
        double before = scrape().sum("strata_reconcile_pass_duration_seconds_count", Map.of());
        Scrape first = scrape();
        assertThat(first.named("strata_reconcile_pass_duration_seconds_bucket")).isNotEmpty();
        assertThat(first.named("strata_reconcile_pass_duration_seconds_sum")).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(scrape().sum("strata_reconcile_pass_duration_seconds_count", Map.of())).isGreaterThan(before));
    }

    @Test
    void aKilledServerCountsOneRestart() throws Exception {
        Map<String, String> ours = Map.of("database_id", id, "engine", "redis");
        double before = scrape().sum("strata_database_restarts_total", ours);
        long pid = Host.serverProcesses(id).get(0);
        Host.kill9(pid);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(Host.serverProcesses(id)).hasSize(1).doesNotContain(pid);
            assertThat(api.get(dbs.path(id)).text("status")).isEqualTo("ready");
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(scrape().sum("strata_database_restarts_total", ours)).isGreaterThanOrEqualTo(before + 1));
        // and the event log tells of it (issue 17: database.restarted)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode restarted = api.get(events() + "?databaseId=" + id + "&type=database.restarted").json();
            assertThat(restarted.path("data")).as(restarted.toString()).isNotEmpty().allSatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("database.restarted");
                assertThat(e.path("databaseId").asText()).isEqualTo(id);
                assertThat(e.path("message").asText()).contains("metrics redis").contains("restarted");
            });
        });
    }

    private String events() {
        return "/api/v1/workspaces/" + ws + "/events";
    }

    /**
     * The backup series of real backups of this test's Redis, read back from the metadata database by the scrape
     * (MetricsQueries' JPQL against PostgreSQL): after a failed one, last result 0 and no success series, and
     * backup.failed in the event log; after a good one, last result 1, last success the backup's completion time, an
     * age that grows from there, and backup.completed.
     */
    @Test
    void aBackupShowsInTheBackupSeriesAndTheEventLog() throws Exception {
        Map<String, String> ours = Map.of("database_id", id, "engine", "redis");
        // first a backup that fails: a directory (not empty) where the driver puts the snapshot it asks Redis for
        java.nio.file.Path blocker = Host.instanceDir(id).resolve("backup.rdb");
        java.nio.file.Files.createDirectories(blocker);
        java.nio.file.Files.writeString(blocker.resolve("in-the-way"), "MetricsIT");
        try {
            Api.Reply doomed = api.post(dbs.path(id) + "/backups", "");
            assertThat(doomed.status()).as(doomed.raw()).isEqualTo(202);
            String failedBackup = "/api/v1/workspaces/" + ws + "/backups/" + doomed.text("id");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(api.get(failedBackup).text("status")).isIn("pending", "running", "failed").isEqualTo("failed"));
            Scrape afterFailure = scrape();
            assertThat(afterFailure.named("strata_backup_last_result", ours)).singleElement().satisfies(x -> assertThat(x.value()).isZero());
            assertThat(afterFailure.named("strata_backup_last_success_timestamp_seconds", ours)).as("never succeeded").isEmpty();
            assertThat(afterFailure.named("strata_backup_age_seconds", ours)).as("never succeeded").isEmpty();
            JsonNode failed = api.get(events() + "?databaseId=" + id + "&type=backup.failed").json();
            assertThat(failed.path("data")).as(failed.toString()).singleElement().satisfies(e -> {
                assertThat(e.path("backupId").asText()).isEqualTo(doomed.text("id"));
                assertThat(e.path("data").path("trigger").asText()).isEqualTo("manual");
                assertThat(e.path("data").path("error").asText()).isNotBlank();
                assertThat(e.path("message").asText()).contains("failed");
            });
        } finally {
            java.nio.file.Files.deleteIfExists(blocker.resolve("in-the-way"));
            java.nio.file.Files.deleteIfExists(blocker);
        }

        // then one that succeeds
        Api.Reply requested = api.post(dbs.path(id) + "/backups", "");
        assertThat(requested.status()).as(requested.raw()).isEqualTo(202);
        String backup = "/api/v1/workspaces/" + ws + "/backups/" + requested.text("id");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(api.get(backup).text("status")).isEqualTo("completed"));
        Instant completed = Instant.parse(api.get(backup).text("completedAt"));

        Scrape s = scrape();
        assertThat(s.named("strata_backup_last_result", ours)).singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(1.0));
        assertThat(s.named("strata_backup_last_success_timestamp_seconds", ours)).singleElement()
                .satisfies(x -> assertThat(x.value()).isCloseTo(completed.toEpochMilli() / 1000.0, within(1.0)));
        double age = s.named("strata_backup_age_seconds", ours).get(0).value();
        assertThat(age).isGreaterThanOrEqualTo(0).isLessThan(600);
        assertThat(s.body()).contains("# TYPE strata_backup_age_seconds gauge");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(scrape().named("strata_backup_age_seconds", ours).get(0).value()).isGreaterThan(age));

        JsonNode done = api.get(events() + "?databaseId=" + id + "&type=backup.completed").json();
        assertThat(done.path("data")).as(done.toString()).anySatisfy(e -> {
            assertThat(e.path("backupId").asText()).isEqualTo(requested.text("id"));
            assertThat(e.path("databaseId").asText()).isEqualTo(id);
            assertThat(e.path("data").path("trigger").asText()).isEqualTo("manual");
            assertThat(e.path("data").path("sizeBytes").asLong()).isPositive();
        });
    }

    /**
     * The object-store series of a project whose bucket holds an object, measured in the background (at most every
     * 30 s, started by a scrape) from the embedded store's files.
     */
    @Test
    void aProjectsObjectsShowInTheObjectStorageSeries() throws Exception {
        Api.Reply project = api.post("/api/v1/projects", "{\"name\":\"metrics storage\"}");
        assertThat(project.status()).as(project.raw()).isEqualTo(201);
        String projectId = project.text("id");
        try {
            String bucket = "it-metrics-" + Long.toString(System.nanoTime(), 36);
            Api.Reply created = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + projectId + "\",\"name\":\"" + bucket + "\"}");
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            byte[] body = new byte[12_345];
            new java.util.Random(17).nextBytes(body);
            try (software.amazon.awssdk.services.s3.S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, projectId))) {
                s3.putObject(r -> r.bucket(bucket).key("metrics/one.bin"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
                s3.putObject(r -> r.bucket(bucket).key("metrics/two.txt"), software.amazon.awssdk.core.sync.RequestBody.fromString("two"));
            }
            Map<String, String> labels = Map.of("project_id", projectId);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Scrape s = scrape();
                assertThat(s.sum("strata_object_storage_objects", labels)).isEqualTo(2);
                assertThat(s.sum("strata_object_storage_bytes", labels)).isGreaterThanOrEqualTo(12_345 + 3);
            });
        } finally {
            api.delete("/api/v1/projects/" + projectId);
        }
    }

    @Test
    void openMetricsWhenAskedForIt() throws Exception {
        HttpResponse<String> r = get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(r.body()).contains("strata_reconcile_pass_duration_seconds_count").endsWith("# EOF\n");
    }

    /**
     * STRATA_METRICS_TOKEN, set on the running server as a system property (asadmin; Strata reads it at each scrape):
     * a scrape without the bearer token, or with another one, is a 401 problem+json; with it, the series. Unset again
     * afterwards: /metrics is open, as the other tests expect.
     */
    @Test
    void aMetricsTokenWhenSetIsNeededToScrape() throws Exception {
        String token = "it-metrics-token-" + Long.toString(System.nanoTime(), 36);
        asadmin("create-system-properties", "STRATA_METRICS_TOKEN=" + token);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(get("/metrics", null).statusCode()).isEqualTo(401));
            HttpResponse<String> none = get("/metrics", null);
            assertThat(none.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
            assertThat(none.body()).contains("\"status\":401").contains("STRATA_METRICS_TOKEN").doesNotContain(token)
                    .doesNotContain("strata_");
            for (String wrong : List.of("Bearer " + token + "x", "Bearer " + token.substring(1), "Basic " + token, token, "Bearer ")) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(Api.BASE + "/metrics")).header("Authorization", wrong)
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(wrong).isEqualTo(401);
            }
            HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(URI.create(Api.BASE + "/metrics"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(401);
            HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(URI.create(Api.BASE + "/metrics")).header("Authorization", "Bearer " + token)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("strata_reconcile_pass_duration_seconds_count");
        } finally {
            asadmin("delete-system-property", "STRATA_METRICS_TOKEN");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(get("/metrics", null).statusCode()).isEqualTo(200));
    }

    /** An asadmin command against the test server (its admin port is its HTTP port - 32). */
    private static void asadmin(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(System.getProperty("it.payara.home") + "/bin/asadmin", "--port",
                String.valueOf(URI.create(Api.BASE).getPort() - 32)));
        line.addAll(List.of(command));
        java.io.File log = new java.io.File(System.getProperty("it.data.dir"), "metrics-asadmin.log");
        Process p = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log).start();
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as(String.join(" ", line)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", line) + ": " + java.nio.file.Files.readString(log.toPath())).isZero();
    }

    @Test
    void onlyReadMethods() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(Api.BASE + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).header("Content-Type", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.headers().firstValue("Allow").orElse("")).contains("GET");
    }
}
