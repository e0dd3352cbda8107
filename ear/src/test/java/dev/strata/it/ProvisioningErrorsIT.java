package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16: a client that has a database's connection details from the moment it was created (the connection
 * endpoint answers at once, as the project's DATABASE_URL does) and connects in a loop while the database is
 * provisioned sees "connection refused" or "starting up" until it works, never an authentication, unknown-database
 * or host-not-allowed error (Redis: WRONGPASS, NOAUTH) that would send the user hunting for a credentials bug that is
 * not there.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProvisioningErrorsIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final TestDatabases dbs = new TestDatabases(api, api.workspaceId());

    @ParameterizedTest(name = "a new {0} database")
    @ValueSource(strings = {"postgresql", "mysql", "redis"})
    void earlyClientsOfANewDatabaseSeeNoCredentialsError(String engine) throws Exception {
        String slug = "early-" + engine.substring(0, 2) + "-" + suffix();
        String id = dbs.create(slug, "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"" + engine + "\"}");
        try {
            Map<String, Integer> failures = connectUntilReady(id);
            assertThat(failures.keySet()).as("what the client saw while %s was provisioned: %s", id, failures)
                    .filteredOn(ProvisioningErrorsIT::credentialsError).isEmpty();
        } finally {
            dbs.deleteQuietly(id);
        }
    }

    @Test
    void earlyClientsOfABranchSeeNoCredentialsError() throws Exception {
        String slug = "early-parent-" + suffix();
        String parent = dbs.create(slug);
        String branch = null;
        try {
            dbs.awaitStatus(parent, "ready", Duration.ofSeconds(120));
            TestDatabases.exec(dbs.connection(parent).path("jdbcUrl").asText(), "CREATE TABLE t (x int)", "INSERT INTO t VALUES (1)");
            Api.Reply made = api.post(dbs.path(parent) + "/branches", "{\"name\":\"Early\",\"slug\":\"early-branch-" + suffix() + "\"}");
            assertThat(made.status()).as(made.raw()).isEqualTo(201);
            branch = made.text("id");
            // the branch's own port and passwords, with the parent's user and database names: its copy of the
            // parent's files must not answer on that port while it still has the parent's passwords
            Map<String, Integer> failures = connectUntilReady(branch);
            assertThat(failures.keySet()).as("what the client saw while the branch %s was made: %s", branch, failures)
                    .filteredOn(ProvisioningErrorsIT::credentialsError).isEmpty();
            assertThat(TestDatabases.queryOne(dbs.connection(branch).path("jdbcUrl").asText(), "SELECT count(*) FROM t")).isEqualTo("1");
        } finally {
            if (branch != null) {
                dbs.deleteQuietly(branch);
            }
            dbs.deleteQuietly(parent);
        }
    }

    @ParameterizedTest(name = "a {0} database restored into a new one")
    @ValueSource(strings = {"postgresql", "mysql"})
    void earlyClientsOfARestoreIntoANewDatabaseSeeNoCredentialsError(String engine) throws Exception {
        String slug = "early-src-" + engine.substring(0, 2) + "-" + suffix();
        String source = dbs.create(slug, "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"" + engine + "\"}");
        String copy = null;
        try {
            dbs.awaitStatus(source, "ready", Duration.ofSeconds(120));
            TestDatabases.exec(dbs.connection(source).path("jdbcUrl").asText(), "CREATE TABLE t (x int)", "INSERT INTO t VALUES (1)");
            Api.Reply requested = api.post(dbs.path(source) + "/backups", "");
            assertThat(requested.status()).as(requested.raw()).isEqualTo(202);
            String backup = "/api/v1/workspaces/" + api.workspaceId() + "/backups/" + requested.text("id");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(api.get(backup).text("status")).isEqualTo("completed"));
            // the restored files hold the source's passwords until Strata gives them the new database's own
            Api.Reply restored = api.post(backup + "/restore", "{\"name\":\"Early copy\",\"slug\":\"early-copy-" + suffix() + "\"}");
            assertThat(restored.status()).as(restored.raw()).isEqualTo(201);
            copy = restored.text("id");
            Map<String, Integer> failures = connectUntilReady(copy);
            assertThat(failures.keySet()).as("what the client saw while %s was restored into %s: %s", source, copy, failures)
                    .filteredOn(ProvisioningErrorsIT::credentialsError).isEmpty();
            assertThat(TestDatabases.queryOne(dbs.connection(copy).path("jdbcUrl").asText(), "SELECT count(*) FROM t")).isEqualTo("1");
        } finally {
            if (copy != null) {
                dbs.deleteQuietly(copy);
            }
            dbs.deleteQuietly(source);
        }
    }

    /**
     * Reads the connection details at once and connects with them as fast as it can until the database is ready and
     * a connection made after that succeeded (at most three minutes); every failure, by SQLState, vendor code and
     * message, with how often it was seen.
     */
    private Map<String, Integer> connectUntilReady(String id) throws Exception {
        com.fasterxml.jackson.databind.JsonNode connection = dbs.connection(id);
        String url = connection.path("jdbcUrl").asText();
        // Redis has no JDBC URL: Jedis with the URI (its user and password: AUTH at each connect), then PING
        java.net.URI redis = url.isEmpty() ? java.net.URI.create(connection.path("uri").asText()) : null;
        AtomicBoolean ready = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> statuses = Collections.synchronizedList(new ArrayList<>());
        Thread watcher = new Thread(() -> {
            while (!stop.get() && !ready.get()) {
                String status = api.get(dbs.path(id)).text("status");
                statuses.add(status);
                if ("ready".equals(status)) {
                    ready.set(true);
                }
                try {
                    Thread.sleep(100); // the API's poll rate; the client below does not wait
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "status of " + id);
        watcher.start();
        Map<String, Integer> failures = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        int successes = 0;
        try {
            while (true) {
                boolean wasReady = ready.get();
                try {
                    if (redis != null) {
                        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(redis, 2_000)) {
                            assertThat(j.ping()).isEqualTo("PONG");
                        }
                    } else {
                        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                    }
                    successes++;
                    if (wasReady) {
                        break;
                    }
                } catch (SQLException e) {
                    failures.merge(e.getSQLState() + "/" + e.getErrorCode() + " " + String.valueOf(e.getMessage()).replaceAll("\\(conn=\\d+\\) ", ""),
                            1, Integer::sum);
                } catch (redis.clients.jedis.exceptions.JedisException e) {
                    // the server's own error first (WRONGPASS, NOAUTH, ...), else what the client met (refused, reset)
                    Throwable root = e;
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    failures.merge("redis/" + e.getClass().getSimpleName() + " " + e.getMessage()
                            + (root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")"), 1, Integer::sum);
                }
                assertThat(System.nanoTime()).as("%s ready and connectable within 3 minutes; statuses %s, failures %s", id, statuses, failures)
                        .isLessThan(deadline);
            }
        } finally {
            stop.set(true);
            watcher.join(10_000);
        }
        assertThat(successes).isPositive();
        return failures;
    }

    /** A failure that blames the credentials, the database name or the client's host. */
    private static boolean credentialsError(String failure) {
        String f = failure.toLowerCase(Locale.ROOT);
        return f.matches("(28p01|28000|3d000)/.*") || f.matches("[^ ]*/(1044|1045|1049|1130) .*")
                || f.contains("password authentication failed") || f.contains("does not exist") || f.contains("no pg_hba.conf entry")
                || f.contains("access denied") || f.contains("unknown database") || f.contains("is not allowed to connect")
                || f.contains("wrongpass") || f.contains("noauth") || f.contains("noperm") || f.contains("invalid username-password");
    }

    private static String suffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
    }
}
