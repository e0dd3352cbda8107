package dev.strata.it;

import static dev.strata.it.TestDatabases.count;
import static dev.strata.it.TestDatabases.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Settings read when Strata starts, each shown by restarting the server with it (the restarts are shared: external
 * settings, then a bad one, then the server as it was).
 *
 * <p>The backup repository on an "external" S3 ({@code STRATA_BACKUP_S3_*}): the embedded endpoint's TLS port,
 * reached like any S3 with a project's own key and bucket and the endpoint's certificate as the CA file. A PostgreSQL
 * and a Redis backup land in that bucket (and not in the embedded repository) and restore from it.
 *
 * <p>A bad STRATA_WEBHOOK_* setting fails the deployment when Strata starts, with a message that names the setting
 * and the form it takes (WebhookSettings, checked by the webhook dispatcher's start), instead of a 500 at webhook
 * creation or deliveries sent again and again later.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerSettingsIT {

    /** Databases of the first test, deleted once the server runs with its own settings again (after all tests). */
    private static final List<String> deleteAfterwards = new ArrayList<>();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    @Order(1)
    void backupsGoToTheConfiguredS3AndRestoreFromIt() throws Exception {
        String ws = api.workspaceId();
        TestDatabases dbs = new TestDatabases(api, ws);
        String project = api.post("/api/v1/projects", "{\"name\":\"backup target\"}").text("id");
        Api.Reply bucket = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"offsite-backups\"}");
        assertThat(bucket.status()).as(bucket.raw()).isEqualTo(201);
        Map<String, String> env = new HashMap<>();
        for (JsonNode v : api.get("/api/v1/projects/" + project + "/env").json().path("data")) {
            env.put(v.path("name").asText(), v.path("value").asText());
        }
        int tlsPort = Integer.parseInt(System.getProperty("it.s3.port")) + 443;
        Map<String, String> external = Map.of(
                "STRATA_BACKUP_S3_ENDPOINT", "https://localhost:" + tlsPort,
                "STRATA_BACKUP_S3_BUCKET", "offsite-backups",
                "STRATA_BACKUP_S3_ACCESS_KEY", env.get("STORAGE_KEY"),
                "STRATA_BACKUP_S3_SECRET_KEY", env.get("STORAGE_SECRET"),
                "STRATA_BACKUP_S3_REGION", env.get("STORAGE_REGION"),
                "STRATA_BACKUP_S3_CA_FILE", Host.DATA_DIR.resolve("objects-tls/endpoint.crt").toString());
        String pg = dbs.create("ext-pg");
        String redis = dbs.create("ext-redis", "{\"name\":\"ext-redis\",\"slug\":\"ext-redis\",\"engine\":\"redis\"}");
        try {
            dbs.awaitStatus(pg, "ready", Duration.ofSeconds(90));
            dbs.awaitStatus(redis, "ready", Duration.ofSeconds(60));
            String url = dbs.connection(pg).path("jdbcUrl").asText();
            exec(url, "CREATE TABLE items (n int primary key)", "INSERT INTO items SELECT generate_series(1, 77)");

            ControlPlane.stop();
            ControlPlane.start(external, Set.of());
            // keys are encoded into file names: "databases/<db>/…" is stored as "databases%2F<db>%2F…"
            Path offsite = Host.DATA_DIR.resolve("objects/buckets").resolve(project).resolve("offsite-backups");
            for (String db : List.of(pg, redis)) {
                String bkp = api.post(dbs.base() + "/" + db + "/backups", "").text("id");
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode b = api.get("/api/v1/workspaces/" + ws + "/backups/" + bkp).json();
                    assertThat(b.path("status").asText()).as(b.toString()).isEqualTo("completed");
                });
                assertThat(filesNamed(offsite, "databases%2F" + db + "%2F")).as("in the configured bucket").isPositive();
                assertThat(filesUnder(Host.DATA_DIR.resolve("objects/system/strata-backups/databases").resolve(db)))
                        .as("not in the embedded repository").isZero();
                if (db.equals(pg)) {
                    Api.Reply copy = api.post("/api/v1/workspaces/" + ws + "/backups/" + bkp + "/restore", "{\"name\":\"ext copy\",\"slug\":\"ext-pg-copy\"}");
                    assertThat(copy.status()).as(copy.raw()).isEqualTo(201);
                    try {
                        dbs.awaitStatus(copy.text("id"), "ready", Duration.ofSeconds(180));
                        assertThat(count(dbs.connection(copy.text("id")).path("jdbcUrl").asText())).isEqualTo(77);
                    } finally {
                        dbs.deleteQuietly(copy.text("id"));
                    }
                }
            }
        } finally {
            // the next test starts the server again (with a bad setting, then as it was): one restart fewer
            ControlPlane.stop();
            deleteAfterwards.add(pg);
            deleteAfterwards.add(redis);
        }
    }

    private static long filesNamed(Path dir, String prefix) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith(prefix)).count();
        }
    }

    private static long filesUnder(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }


    @Test
    @Order(2)
    void aBadWebhookSettingStopsTheDeploymentNamingIt() throws Exception {
        // stopped by the test before, or running (this test alone): stopped either way
        ControlPlane.stop();
        long logFrom = Files.size(ControlPlane.serverLog());
        try {
            ControlPlane.startDomain(Map.of("STRATA_WEBHOOK_GIVE_UP_HOURS", "12"), Set.of());
            String expected = "STRATA_WEBHOOK_GIVE_UP_HOURS must be a whole number of hours, at least 24 (default 26); got 12";
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(since(logFrom)).contains(expected));
            // the application is not there: no API, and no answer from it that could be taken for one
            Api.Reply r = api.withoutContractCheck().get("/api/v1/workspaces");
            assertThat(r.status()).as(r.raw()).isEqualTo(404);
        } finally {
            ControlPlane.stop();
            ControlPlane.start();
        }
        assertThat(api.get("/api/v1/workspaces").status()).isEqualTo(200);
    }

    /** The server log written since {@code offset}. */
    private static String since(long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(ControlPlane.serverLog().toFile(), "r")) {
            long from = f.length() < offset ? 0 : offset; // rotated at the start: all of the new file
            byte[] b = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** Whatever happened above, the server runs as it was for the next class, without the first test's databases. */
    @AfterAll
    static void serverAsItWas() throws Exception {
        Api api = Api.withBootstrapKey();
        boolean up;
        try {
            up = api.withoutContractCheck().get("/api/v1/workspaces").status() == 200;
        } catch (RuntimeException e) {
            up = false;
        }
        if (!up) {
            ControlPlane.stop();
            ControlPlane.start();
        }
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        deleteAfterwards.forEach(dbs::deleteQuietly);
    }
}
