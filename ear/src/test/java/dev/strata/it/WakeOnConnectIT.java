package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Scale to zero as applications meet it: a sleeping project's databases (PostgreSQL, MariaDB, Redis) are woken by
 * their clients' first connection, which succeeds after a delay (no error, nobody calls /wake), over TLS too
 * (PostgreSQL verify-full, Redis on its TLS port, both against the CA); connections opened
 * at once while it wakes all succeed; idle sleep (autoSleepMinutes; one "minute" is 3 s in the ITs) puts databases
 * without clients to sleep and leaves a database with an open connection awake.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WakeOnConnectIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void sleepingDatabasesWakeOnTheFirstConnectionAndIdleOnesSleepByThemselves() throws Exception {
        Api.Reply created = api.post("/api/v1/projects", "{\"name\":\"Hobby\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.json().path("autoSleepMinutes").asInt(-1)).as("idle sleep is off by default").isZero();
        String project = created.text("id");
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        List<String> ids = new ArrayList<>();
        try {
            String pg = create(project, "postgresql", ids);
            String my = create(project, "mysql", ids);
            String rd = create(project, "redis", ids);
            for (String id : ids) {
                dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            }
            String pgUrl = dbs.connection(pg).path("jdbcUrl").asText();
            String myUrl = dbs.connection(my).path("jdbcUrl").asText();
            String rdUri = dbs.connection(rd).path("uri").asText();
            String rdTlsUri = dbs.connection(rd).path("tlsUri").asText();
            assertThat(rdTlsUri).startsWith("rediss://");
            String rdUser = dbs.connection(rd).path("username").asText();
            String rdPassword = dbs.connection(rd).path("password").asText();
            sql(pgUrl, "CREATE TABLE visits (n int)", "INSERT INTO visits VALUES (7)");
            sql(myUrl, "CREATE TABLE visits (n int)", "INSERT INTO visits VALUES (7)");
            try (Jedis j = new Jedis(URI.create(rdUri))) {
                assertThat(j.set("visits", "7")).isEqualTo("OK");
            }

            // the project sleeps: no server runs, the connection info is unchanged
            assertThat(api.post("/api/v1/projects/" + project + "/sleep", "").status()).isEqualTo(202);
            for (String id : ids) {
                dbs.awaitStatus(id, "sleeping", Duration.ofSeconds(60));
                assertThat(Host.serverProcesses(id)).as("asleep: " + id).isEmpty();
            }
            assertThat(dbs.connection(pg).path("jdbcUrl").asText()).isEqualTo(pgUrl);

            // each first connection wakes its database and succeeds, with the data, no error on the way; PostgreSQL's
            // with sslmode=verify-full against the CA, Redis's over TLS on its TLS port (REDIS_TLS_URL), verified
            // against the CA with the host name: the front door holds that port too
            String pem = api.get("/api/v1/workspaces/" + api.workspaceId() + "/ca.pem").raw();
            Path caFile = Files.createTempFile("strata-ca", ".pem");
            Files.writeString(caFile, pem);
            try {
                try (Connection c = DriverManager.getConnection(pgUrl + "&sslmode=verify-full&sslrootcert=" + caFile);
                     Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) FROM visits")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(7);
                    assertThat(rs.getBoolean(2)).as("over TLS").isTrue();
                }
            } finally {
                Files.deleteIfExists(caFile);
            }
            assertThat(queryInt(myUrl, "SELECT n FROM visits")).isEqualTo(7);
            assertThat(Host.serverProcesses(rd)).as("Redis still sleeps").isEmpty();
            URI tls = URI.create(rdTlsUri);
            SSLParameters verifyHost = new SSLParameters();
            verifyHost.setEndpointIdentificationAlgorithm("HTTPS");
            try (Jedis j = new Jedis(new HostAndPort(tls.getHost(), tls.getPort()), DefaultJedisClientConfig.builder()
                    .user(rdUser).password(rdPassword).ssl(true).sslSocketFactory(TlsIT.trusting(pem).getSocketFactory())
                    .sslParameters(verifyHost).socketTimeoutMillis(60_000).build())) {
                assertThat(j.get("visits")).isEqualTo("7");
            }
            for (String id : ids) {
                assertThat(api.get(dbs.path(id)).text("status")).isIn("ready", "updating");
                dbs.awaitStatus(id, "ready", Duration.ofSeconds(30));
                assertThat(Host.serverProcesses(id)).as("woken: " + id).hasSize(1);
            }
            assertThat(api.get("/api/v1/projects/" + project).text("status")).as("woken by its clients").isEqualTo("active");

            // ten connections at once to a sleeping database: one wake, every one succeeds
            assertThat(api.post(dbs.path(pg) + "/sleep", "").status()).isEqualTo(202);
            dbs.awaitStatus(pg, "sleeping", Duration.ofSeconds(60));
            ExecutorService pool = Executors.newFixedThreadPool(10);
            try {
                List<Future<Integer>> all = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    all.add(pool.submit(() -> queryInt(pgUrl, "SELECT n FROM visits")));
                }
                for (Future<Integer> f : all) {
                    assertThat(f.get(90, TimeUnit.SECONDS)).isEqualTo(7);
                }
            } finally {
                pool.shutdownNow();
            }
            dbs.awaitStatus(pg, "ready", Duration.ofSeconds(30));
            assertThat(Host.serverProcesses(pg)).hasSize(1);

            // bad idle settings are refused and change nothing
            for (String bad : List.of("-1", "10081", "1.5", "\"5\"", "null", "true")) {
                Api.Reply r = api.patch("/api/v1/projects/" + project, "{\"autoSleepMinutes\":" + bad + "}");
                assertThat(r.status()).as(bad + ": " + r.raw()).isEqualTo(400);
                assertThat(r.contentType()).startsWith("application/problem+json");
            }
            assertThat(api.post("/api/v1/projects", "{\"name\":\"x\",\"autoSleepMinutes\":-5}").status()).isEqualTo(400);
            assertThat(api.get("/api/v1/projects/" + project).json().path("autoSleepMinutes").asInt()).isZero();

            // idle sleep: a database with an open connection stays awake, the idle ones sleep by themselves
            try (Connection held = DriverManager.getConnection(pgUrl)) {
                Api.Reply patched = api.patch("/api/v1/projects/" + project, "{\"autoSleepMinutes\":1}");
                assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
                assertThat(patched.json().path("autoSleepMinutes").asInt()).isEqualTo(1);
                dbs.awaitStatus(my, "sleeping", Duration.ofSeconds(60));
                dbs.awaitStatus(rd, "sleeping", Duration.ofSeconds(60));
                assertThat(api.get(dbs.path(pg)).text("status")).as("a client is connected").isEqualTo("ready");
                try (Statement s = held.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM visits")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
            dbs.awaitStatus(pg, "sleeping", Duration.ofSeconds(60));
            assertThat(Host.serverProcesses(pg)).isEmpty();
            // and it wakes again on the next connection (Redis on its plain port this time)
            assertThat(queryInt(pgUrl, "SELECT n FROM visits")).isEqualTo(7);
            try (Jedis j = new Jedis(URI.create(rdUri))) {
                j.getConnection().setSoTimeout(60_000);
                assertThat(j.get("visits")).isEqualTo("7");
            }

            // without idle sleep a database stays awake
            assertThat(api.patch("/api/v1/projects/" + project, "{\"autoSleepMinutes\":0}").status()).isEqualTo(200);
            dbs.awaitStatus(pg, "ready", Duration.ofSeconds(30));
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "ready".equals(api.get(dbs.path(pg)).text("status")));
        } finally {
            for (String id : ids) {
                dbs.deleteQuietly(id);
            }
            api.delete("/api/v1/projects/" + project);
        }
    }

    private String create(String project, String engine, List<String> ids) {
        Api.Reply r = api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"" + engine + "\",\"name\":\"wake-" + engine + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        ids.add(r.text("id"));
        return r.text("id");
    }

    private static void sql(String url, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static int queryInt(String url, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }
}
