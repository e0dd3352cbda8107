package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which engines and versions this host offers, and what happens when one that it does not offer is asked for. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EnginesIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void listsTheInstalledEnginesWithTheirVersions() {
        Map<String, JsonNode> engines = engines();
        // mongod is not installed on this host, so MongoDB is not offered
        assertThat(engines.keySet()).containsExactlyInAnyOrder("postgresql", "mysql", "redis");
        for (Map.Entry<String, JsonNode> e : engines.entrySet()) {
            List<String> versions = versions(e.getValue());
            assertThat(versions).as(e.getKey()).isNotEmpty().doesNotHaveDuplicates().allMatch(v -> !v.isBlank());
            assertThat(e.getValue().path("defaultVersion").asText()).as(e.getKey()).isEqualTo(versions.get(0));
            assertThat(versions).as(e.getKey()).contains(Host.installedVersion(e.getKey()));
        }
        assertThat(versions(engines.get("mysql"))).allMatch(v -> v.matches("\\d+\\.\\d+"));
        assertThat(versions(engines.get("redis"))).allMatch(v -> v.matches("\\d+\\.\\d+"));
    }

    @Test
    void mongodbIsNotAvailableAndNothingIsCreated() throws Exception {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        long before = dbs.total();
        List<String> dirsBefore = Host.instanceDirs();

        Api.Reply r = api.post(dbs.base(), "{\"name\":\"Documents\",\"slug\":\"no-mongo\",\"engine\":\"mongodb\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("status").asInt()).isEqualTo(422);
        assertThat(r.text("detail")).isEqualTo("engine mongodb is not available on this host");

        assertThat(dbs.total()).isEqualTo(before);
        assertThat(api.get(dbs.base() + "?search=no-mongo").json().path("meta").path("total").asInt()).isZero();
        // nor later: the reconciler has nothing to act on (a few reconcile intervals)
        Thread.sleep(2_000);
        assertThat(dbs.total()).isEqualTo(before);
        List<String> newDirs = new ArrayList<>(Host.instanceDirs());
        newDirs.removeAll(dirsBefore);
        assertThat(newDirs).isEmpty();
        // the slug was not taken either
        assertThat(api.get(dbs.base() + "?search=no-mongo").json().path("data")).isEmpty();
    }

    @Test
    void mariadbIsAnAliasOfMysql() throws Exception {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        String version = Host.installedVersion("mysql");
        Api.Reply created = api.post(dbs.base(),
                "{\"name\":\"Alias\",\"slug\":\"alias-mariadb\",\"engine\":\"mariadb\",\"version\":\"" + version + "\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.text("id");
        try {
            assertThat(created.text("engine")).isEqualTo("mysql");
            assertThat(created.text("version")).isEqualTo(version);
            assertThat(created.text("status")).isEqualTo("provisioning");
            assertThat(api.get(dbs.path(id)).text("engine")).isEqualTo("mysql");
            assertThat(ids(dbs, "?engine=mysql&search=alias-mariadb")).containsExactly(id);
            assertThat(ids(dbs, "?engine=mariadb&search=alias-mariadb")).containsExactly(id);
            assertThat(ids(dbs, "?engine=postgresql&search=alias-mariadb")).isEmpty();

            // a real MariaDB server
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
            List<Long> servers = Host.serverProcesses(id);
            assertThat(servers).hasSize(1);
            assertThat(Host.processName(servers.get(0))).isIn("mariadbd", "mysqld");
            assertThat(dbs.connection(id).path("uri").asText()).startsWith("mysql://alias_mariadb:");

            List<Long> processes = Host.anyProcessOf(id);
            Api.Reply deleted = api.delete(dbs.path(id));
            assertThat(deleted.status()).as(deleted.raw()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(api.get(dbs.path(id)).status()).isEqualTo(404));
            assertThat(Host.anyProcessOf(id)).isEmpty();
            assertThat(processes).noneMatch(Host::isRunning);
            assertThat(Files.exists(Host.instanceDir(id))).isFalse();
        } finally {
            dbs.deleteQuietly(id);
        }
    }

    @ParameterizedTest(name = "{0} version {1} is not installed -> 422")
    @CsvSource(delimiter = '|', value = {"mysql|8", "mariadb|8", "mysql|10.6", "redis|6"})
    void aVersionThatIsNotInstalledIsRefusedWithTheAvailableOnes(String engine, String version) {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        long before = dbs.total();
        Api.Reply r = api.post(dbs.base(),
                "{\"name\":\"x\",\"slug\":\"old-version\",\"engine\":\"" + engine + "\",\"version\":\"" + version + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        String canonical = "mariadb".equals(engine) ? "mysql" : engine;
        assertThat(r.text("detail")).contains("available").contains(versions(engines().get(canonical)));
        assertThat(StreamSupport.stream(r.json().path("errors").spliterator(), false).map(e -> e.path("field").asText()))
                .contains("version");
        assertThat(dbs.total()).isEqualTo(before);
    }

    /** {@code GET /api/v1/engines} by engine name (each named once). */
    private Map<String, JsonNode> engines() {
        Api.Reply r = api.get("/api/v1/engines");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode e : r.json().path("data")) {
            assertThat(byName.put(e.path("engine").asText(), e)).as("listed twice: " + e).isNull();
        }
        return byName;
    }

    private static List<String> versions(JsonNode engine) {
        List<String> versions = new ArrayList<>();
        engine.path("versions").forEach(v -> versions.add(v.asText()));
        return versions;
    }

    private List<String> ids(TestDatabases dbs, String query) {
        Api.Reply r = api.get(dbs.base() + query);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().path("data").forEach(d -> ids.add(d.path("id").asText()));
        return ids;
    }

    @org.junit.jupiter.api.Test
    void healthAndOpenApiAreServed() {
        Api anonymous = new Api(null);
        Api.Reply health = anonymous.get("/health/ready");
        org.assertj.core.api.Assertions.assertThat(health.status()).as(health.raw()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat(health.json().path("status").asText()).isEqualTo("UP");
        org.assertj.core.api.Assertions.assertThat(health.raw()).contains("\"objectStorage\":\"running\"");
        Api.Reply openapi = anonymous.get("/openapi");
        org.assertj.core.api.Assertions.assertThat(openapi.status()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat(openapi.raw()).contains("title: Strata API").contains("/workspaces/{wsId}/databases:")
                .contains("url: /api/v1"); // the hand-written document (GeneratedClientIT compares all of it)
    }
}
