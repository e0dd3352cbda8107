package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Seed 000: projects, {@code POST|GET /v1/databases} with projectId, the managed environment, sleep and teardown. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProjectsIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void projectDatabaseEnvironmentSleepWakeAndTeardown() throws Exception {
        Api.Reply created = api.post("/api/v1/projects", "{\"name\":\"Shop\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String project = created.text("id");
        assertThat(project).matches("proj_[0-9a-z]{26}");
        assertThat(created.text("status")).isEqualTo("active");
        assertThat(ids(api.get("/api/v1/projects").json())).contains(project);
        assertThat(api.get("/api/v1/projects/" + project).text("name")).isEqualTo("Shop");

        // exactly the seed's call
        Api.Reply db = api.post("/api/v1/databases", "{ \"projectId\": \"" + project + "\", \"engine\": \"postgres\" }");
        assertThat(db.status()).as(db.raw()).isEqualTo(201);
        assertThat(db.text("engine")).isEqualTo("postgresql");
        assertThat(db.text("projectId")).isEqualTo(project);
        assertThat(db.text("status")).isEqualTo("provisioning");
        String dbId = db.text("id");
        String ws = api.workspaceId();
        TestDatabases dbs = new TestDatabases(api, ws);
        try {
            // DATABASE_URL is there as soon as the database exists, before it is ready
            JsonNode env = api.get("/api/v1/projects/" + project + "/env").json().path("data");
            JsonNode url = find(env, "DATABASE_URL");
            assertThat(url.path("managed").asBoolean()).isTrue();
            assertThat(url.path("managedBy").asText()).isEqualTo("strata");
            JsonNode conn = dbs.connection(dbId);
            assertThat(url.path("value").asText()).isEqualTo(conn.path("uri").asText()).startsWith("postgresql://");

            Api.Reply dotenv = api.send("GET", "/api/v1/projects/" + project + "/env?format=dotenv", null, null);
            assertThat(dotenv.status()).isEqualTo(200);
            assertThat(dotenv.contentType()).startsWith("text/plain");
            assertThat(dotenv.raw()).contains("DATABASE_URL=\"" + conn.path("uri").asText() + "\"");
            assertThat(api.get("/api/v1/projects/" + project + "/env?format=yaml").status()).isEqualTo(400);

            // the same database in both dialects
            assertThat(ids(api.get("/api/v1/databases").json())).contains(dbId);
            assertThat(ids(api.get("/api/v1/databases?projectId=" + project).json())).containsExactly(dbId);
            assertThat(api.get(dbs.path(dbId)).text("projectId")).isEqualTo(project);

            dbs.awaitStatus(dbId, "ready", Duration.ofSeconds(60));
            String jdbc = conn.path("jdbcUrl").asText();
            try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE carts (id int)");
                s.execute("INSERT INTO carts VALUES (42)");
            }

            // sleep: the database stops, data kept
            Api.Reply slept = api.post("/api/v1/projects/" + project + "/sleep", "");
            assertThat(slept.status()).as(slept.raw()).isEqualTo(202);
            assertThat(slept.text("status")).isEqualTo("sleeping");
            dbs.awaitStatus(dbId, "sleeping", Duration.ofSeconds(60));
            assertThat(Host.serverProcesses(dbId)).isEmpty();
            assertThat(api.get(dbs.path(dbId) + "/status").raw()).isEqualTo("{\"ready\":0,\"desired\":0}");

            // wake: back with its data
            Api.Reply woke = api.post("/api/v1/projects/" + project + "/wake", "");
            assertThat(woke.status()).isEqualTo(202);
            assertThat(woke.text("status")).isEqualTo("active");
            dbs.awaitStatus(dbId, "ready", Duration.ofSeconds(60));
            try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM carts")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }

            // teardown: the project is gone at once, its database shortly after, nothing left on disk
            assertThat(api.delete("/api/v1/projects/" + project).status()).isEqualTo(204);
            assertThat(api.get("/api/v1/projects/" + project).status()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(api.get(dbs.path(dbId)).status()).isEqualTo(404));
            assertThat(Host.serverProcesses(dbId)).isEmpty();
            assertThat(Files.exists(Host.instanceDir(dbId))).isFalse();
        } finally {
            dbs.deleteQuietly(dbId);
            api.delete("/api/v1/projects/" + project);
        }
    }

    @Test
    void badProjectRequestsAreRefusedAndChangeNothing() {
        long before = api.get("/api/v1/databases").json().path("meta").path("total").asLong();
        assertThat(api.post("/api/v1/projects", "{}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/projects", "{\"name\":\"x\",\"color\":1}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/databases", "{\"engine\":\"postgres\"}").status()).isEqualTo(400);
        Api.Reply unknown = api.post("/api/v1/databases", "{\"projectId\":\"proj_00000000000000000000000000\",\"engine\":\"postgres\"}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.text("detail")).contains("does not exist");
        String project = api.post("/api/v1/projects", "{\"name\":\"Errors\"}").text("id");
        try {
            assertThat(api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"oracle\"}").status()).isEqualTo(400);
            assertThat(api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"mongodb\"}").status()).isEqualTo(422);
            assertThat(api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"postgres\",\"storageGb\":0}").status()).isEqualTo(400);
            assertThat(api.get("/api/v1/databases").json().path("meta").path("total").asLong()).isEqualTo(before);
            for (String path : List.of("/api/v1/projects/proj_00000000000000000000000000", "/api/v1/projects/nope",
                    "/api/v1/projects/proj_00000000000000000000000000/env")) {
                assertThat(api.get(path).status()).as(path).isEqualTo(404);
            }
            assertThat(new Api("strata_sk_wrong").get("/api/v1/projects").status()).isEqualTo(401);
        } finally {
            api.delete("/api/v1/projects/" + project);
        }
    }

    /**
     * Issue 16: every database of a project is in its environment under the documented names (README, "Environment
     * for every database"), the same in JSON and dotenv; {@code PATCH primaryDatabaseId} moves {@code DATABASE_URL},
     * bad choices are refused with problem+json and change nothing, and a deleted primary falls back to the default.
     */
    @Test
    void everyDatabaseIsInTheEnvironmentAndThePrimaryCanBeChosen() {
        String run = Long.toString(Math.floorMod(System.nanoTime(), 2_000_000_000L), 36); // slugs are unique per workspace
        String up = run.toUpperCase(Locale.ROOT);
        String project = api.post("/api/v1/projects", "{\"name\":\"Many engines\"}").text("id");
        String other = api.post("/api/v1/projects", "{\"name\":\"Other\"}").text("id");
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        List<String> created = new ArrayList<>();
        try {
            // the oldest database is MySQL: DATABASE_URL still goes to the PostgreSQL one
            String shop = createIn(project, "mysql", "shop-" + run, created);
            String orders = createIn(project, "postgres", "orders-" + run, created);
            String cache = createIn(project, "redis", "cache-" + run, created);
            String foreign = createIn(other, "redis", "foreign-" + run, created);
            String shopUri = dbs.connection(shop).path("uri").asText();
            String ordersUri = dbs.connection(orders).path("uri").asText();
            String cacheUri = dbs.connection(cache).path("uri").asText();
            assertThat(shopUri).startsWith("mysql://");
            assertThat(ordersUri).startsWith("postgresql://");
            assertThat(cacheUri).startsWith("redis");

            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("DATABASE_URL", ordersUri);
            expected.put("REDIS_URL", cacheUri);
            expected.put("MYSQL_URL", shopUri);
            expected.put("SHOP_" + up + "_URL", shopUri);
            expected.put("ORDERS_" + up + "_URL", ordersUri);
            expected.put("CACHE_" + up + "_URL", cacheUri);
            // TLS on (prefer, the default): the Redis of REDIS_URL over TLS, Heroku's name (see TlsIT)
            expected.put("REDIS_TLS_URL", dbs.connection(cache).path("tlsUri").asText());
            assertThat(expected.get("REDIS_TLS_URL")).startsWith("rediss://");
            assertThat(databaseVariables(project)).containsExactlyEntriesOf(expected);
            assertThat(databaseVariablesDotenv(project)).containsExactlyEntriesOf(expected);
            JsonNode shown = api.get("/api/v1/projects/" + project).json();
            assertThat(shown.has("primaryDatabaseId")).isTrue();
            assertThat(shown.path("primaryDatabaseId").isNull()).isTrue();

            // choosing the primary moves DATABASE_URL and nothing else
            Api.Reply chosen = api.patch("/api/v1/projects/" + project, "{\"primaryDatabaseId\":\"" + shop + "\"}");
            assertThat(chosen.status()).as(chosen.raw()).isEqualTo(200);
            assertThat(chosen.text("primaryDatabaseId")).isEqualTo(shop);
            assertThat(chosen.text("name")).isEqualTo("Many engines");
            assertThat(api.get("/api/v1/projects/" + project).text("primaryDatabaseId")).isEqualTo(shop);
            expected.put("DATABASE_URL", shopUri);
            assertThat(databaseVariables(project)).containsExactlyEntriesOf(expected);
            assertThat(databaseVariablesDotenv(project)).containsExactlyEntriesOf(expected);

            // bad choices: refused as problem+json, nothing changed
            Map<String, Integer> bad = new LinkedHashMap<>();
            bad.put("{\"primaryDatabaseId\":\"" + foreign + "\"}", 422); // a database of another project
            bad.put("{\"primaryDatabaseId\":\"db_00000000000000000000000000\"}", 422); // no such database
            bad.put("{\"primaryDatabaseId\":\"" + project + "\"}", 422); // a project's id, not a database's
            bad.put("{\"primaryDatabaseId\":\"\"}", 422);
            bad.put("{\"primaryDatabaseId\":42}", 400); // wrong type
            bad.put("{\"primaryDatabaseId\":[\"" + orders + "\"]}", 400);
            bad.put("{\"primaryDatabaseId\":\"" + orders + "\",\"color\":\"red\"}", 400); // unknown field
            bad.put("[]", 400);
            bad.put("not json", 400);
            for (Map.Entry<String, Integer> b : bad.entrySet()) {
                Api.Reply r = api.patch("/api/v1/projects/" + project, b.getKey());
                assertThat(r.status()).as(b.getKey() + " → " + r.raw()).isEqualTo(b.getValue());
                assertThat(r.contentType()).as(b.getKey()).startsWith("application/problem+json");
                assertThat(r.text("detail")).as(b.getKey()).isNotBlank();
                assertThat(api.get("/api/v1/projects/" + project).text("primaryDatabaseId")).as(b.getKey()).isEqualTo(shop);
                assertThat(databaseVariables(project)).as(b.getKey()).containsExactlyEntriesOf(expected);
            }
            assertThat(api.patch("/api/v1/projects/" + project, "{\"primaryDatabaseId\":\"" + foreign + "\"}").text("detail"))
                    .contains("another project");
            Api.Reply noProject = api.patch("/api/v1/projects/proj_00000000000000000000000000", "{\"primaryDatabaseId\":null}");
            assertThat(noProject.status()).isEqualTo(404);
            assertThat(noProject.contentType()).startsWith("application/problem+json");
            assertThat(api.get("/api/v1/projects/" + other).json().path("primaryDatabaseId").isNull()).isTrue();

            // a PATCH without the field leaves it; null returns to the default rule
            Api.Reply untouched = api.patch("/api/v1/projects/" + project, "{}");
            assertThat(untouched.status()).as(untouched.raw()).isEqualTo(200);
            assertThat(untouched.text("primaryDatabaseId")).isEqualTo(shop);
            Api.Reply cleared = api.patch("/api/v1/projects/" + project, "{\"primaryDatabaseId\":null}");
            assertThat(cleared.status()).as(cleared.raw()).isEqualTo(200);
            assertThat(cleared.json().path("primaryDatabaseId").isNull()).isTrue();
            expected.put("DATABASE_URL", ordersUri);
            assertThat(databaseVariables(project)).containsExactlyEntriesOf(expected);

            // a deleted primary is no choice any more: the default rule applies again
            assertThat(api.patch("/api/v1/projects/" + project, "{\"primaryDatabaseId\":\"" + cache + "\"}").status()).isEqualTo(200);
            assertThat(databaseVariables(project)).containsEntry("DATABASE_URL", cacheUri);
            assertThat(api.delete(dbs.path(cache)).status()).isEqualTo(204);
            assertThat(api.get("/api/v1/projects/" + project).json().path("primaryDatabaseId").isNull()).isTrue();
            expected.remove("REDIS_URL");
            expected.remove("CACHE_" + up + "_URL");
            expected.remove("REDIS_TLS_URL");
            assertThat(databaseVariables(project)).containsExactlyEntriesOf(expected);
            Api.Reply deleted = api.patch("/api/v1/projects/" + project, "{\"primaryDatabaseId\":\"" + cache + "\"}");
            assertThat(deleted.status()).as(deleted.raw()).isEqualTo(422);
            assertThat(api.get("/api/v1/projects/" + project).json().path("primaryDatabaseId").isNull()).isTrue();
        } finally {
            created.forEach(dbs::deleteQuietly);
            api.delete("/api/v1/projects/" + project);
            api.delete("/api/v1/projects/" + other);
        }
    }

    private String createIn(String project, String engine, String slug, List<String> created) {
        Api.Reply r = api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"" + engine
                + "\",\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        created.add(r.text("id"));
        return r.text("id");
    }

    /** The project's database variables (names ending in _URL) from the JSON environment, in its order. */
    private Map<String, String> databaseVariables(String project) {
        Api.Reply r = api.get("/api/v1/projects/" + project + "/env");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        Map<String, String> vars = new LinkedHashMap<>();
        for (JsonNode v : r.json().path("data")) {
            assertThat(v.path("managedBy").asText()).isEqualTo("strata");
            if (v.path("name").asText().endsWith("_URL")) {
                vars.put(v.path("name").asText(), v.path("value").asText());
            }
        }
        return vars;
    }

    /** The same from {@code ?format=dotenv}, unquoted. */
    private Map<String, String> databaseVariablesDotenv(String project) {
        Api.Reply r = api.send("GET", "/api/v1/projects/" + project + "/env?format=dotenv", null, null);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : r.raw().split("\n")) {
            Matcher m = DOTENV_LINE.matcher(line);
            if (m.matches() && m.group(1).endsWith("_URL")) {
                vars.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return vars;
    }

    private static final Pattern DOTENV_LINE = Pattern.compile("([A-Z_][A-Z0-9_]*)=\"(.*)\"");

    private static JsonNode find(JsonNode env, String name) {
        for (JsonNode v : env) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError(name + " not in " + env);
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("data").forEach(n -> out.add(n.path("id").asText()));
        return out;
    }
}
