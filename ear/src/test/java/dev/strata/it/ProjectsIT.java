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
import java.util.List;
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
