package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Seed 003's contract: validation and auth errors, pagination, filters, search, and workspace isolation. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseApiIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private String ws;
    private TestDatabases dbs;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    void fiveDatabases() {
        ws = api.workspaceId();
        dbs = new TestDatabases(api, ws);
        for (String slug : List.of("alpha-orders", "alpha-users", "beta-orders", "gamma", "delta-100pct")) {
            created.add(dbs.create(slug, "{\"name\":\"" + slug.toUpperCase().replace('-', ' ') + " (pager)\",\"slug\":\"" + slug
                    + "\",\"engine\":\"postgres\",\"memory\":\"128Mi\"}"));
        }
        for (String id : created) {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
        }
    }

    @AfterAll
    void removeThem() {
        created.forEach(dbs::deleteAndAwaitGone);
    }

    @Test
    void listsPagesWithMeta() {
        // scoped by a search term only this class's databases have, so other tests' leftovers cannot interfere
        JsonNode first = api.get(dbs.base() + "?search=pager&limit=2").json();
        assertThat(first.path("meta").toString()).isEqualTo("{\"total\":5,\"page\":1,\"limit\":2,\"totalPages\":3}");
        assertThat(first.path("data")).hasSize(2);
        JsonNode third = api.get(dbs.base() + "?search=pager&limit=2&page=3").json();
        assertThat(third.path("data")).hasSize(1);
        JsonNode beyond = api.get(dbs.base() + "?search=pager&limit=2&page=4").json();
        assertThat(beyond.path("data")).isEmpty();
        assertThat(beyond.path("meta").path("total").asInt()).isEqualTo(5);

        List<String> seen = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            api.get(dbs.base() + "?search=pager&limit=2&page=" + page).json().path("data").forEach(d -> seen.add(d.path("id").asText()));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(created);

        JsonNode all = api.get(dbs.base() + "?search=pager").json();
        assertThat(all.path("meta").path("limit").asInt()).isEqualTo(20);
        JsonNode one = all.path("data").get(0);
        for (String field : List.of("id", "name", "slug", "engine", "version", "status", "cpu", "memory", "storageGb", "createdAt")) {
            assertThat(one.has(field)).as(field).isTrue();
        }
        assertThat(one.path("engine").asText()).isEqualTo("postgresql");
        assertThat(one.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    @Test
    void filtersAndSearches() {
        assertThat(slugs("?engine=postgresql&search=pager")).hasSize(5);
        assertThat(slugs("?engine=postgres&search=pager")).hasSize(5);
        assertThat(slugs("?engine=redis&search=pager")).isEmpty();
        assertThat(slugs("?status=ready&search=pager")).hasSize(5);
        assertThat(slugs("?status=provisioning&search=pager")).isEmpty();
        assertThat(slugs("?search=alpha")).containsExactlyInAnyOrder("alpha-orders", "alpha-users");
        assertThat(slugs("?search=ORDERS")).containsExactlyInAnyOrder("alpha-orders", "beta-orders");
        assertThat(slugs("?search=%25")).isEmpty();
        assertThat(slugs("?search=_")).isEmpty();
        assertThat(slugs("?search=100pct&engine=postgresql&status=ready")).containsExactly("delta-100pct");
    }

    @ParameterizedTest(name = "GET ?{0} -> 400")
    @CsvSource(delimiter = '|', value = {
            "page=0|page", "page=-1|page", "page=abc|page", "limit=0|limit", "limit=101|limit", "limit=1e3|limit",
            "engine=oracle|engine", "status=running|status", "page=99999999999999999999|page"})
    void rejectsBadListParameters(String query, String field) {
        Api.Reply r = api.get(dbs.base() + "?" + query);
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo(field);
    }

    @ParameterizedTest(name = "POST {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{}|400|name",
            "{\"slug\":\"x1\",\"engine\":\"postgresql\"}|400|name",
            "{\"name\":\"x\",\"engine\":\"postgresql\"}|400|slug",
            "{\"name\":\"x\",\"slug\":\"x1\"}|400|engine",
            "{\"name\":\"x\",\"slug\":\"Bad_Slug\",\"engine\":\"postgresql\"}|400|slug",
            "{\"name\":\"x\",\"slug\":\"-x\",\"engine\":\"postgresql\"}|400|slug",
            "{\"name\":\"x\",\"slug\":\"../../etc\",\"engine\":\"postgresql\"}|400|slug",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"oracle\"}|400|engine",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"storageGb\":0}|400|storageGb",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"storageGb\":1025}|400|storageGb",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"storageGb\":-5}|400|storageGb",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"storageGb\":\"ten\"}|400|storageGb",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"storageGb\":10.5}|400|storageGb",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"storageGb\":99999999999999999999}|400|storageGb",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"cpu\":\"abc\"}|400|cpu",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"cpu\":\"0\"}|400|cpu",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"memory\":\"lots\"}|400|memory",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"memory\":\"1Mi\"}|400|memory",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"memory\":512}|400|memory",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"color\":\"red\"}|400|color",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"version\":\"9\"}|422|version",
            "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"version\":\"latest\"}|422|version",
            "{\"name\":\"x\",\"slug\":\"alpha-orders\",\"engine\":\"postgresql\"}|409|slug",
            "`{\"name\":\"x\",`|400|body",
            "[1,2,3]|400|body",
            "\"text\"|400|body",
            "null|400|body"})
    void rejectsBadCreatesAndCreatesNothing(String body, int status, String field) {
        long before = total();
        Api.Reply r = api.post(dbs.base(), body);
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("status").asInt()).isEqualTo(status);
        assertThat(r.json().path("title").asText()).isNotBlank();
        assertThat(r.json().path("detail").asText()).isNotBlank();
        assertThat(StreamSupport.stream(r.json().path("errors").spliterator(), false).map(e -> e.path("field").asText()))
                .contains(field);
        assertThat(total()).isEqualTo(before);
    }

    @Test
    void unavailableVersionListsWhatIsAvailable() {
        Api.Reply r = api.post(dbs.base(), "{\"name\":\"x\",\"slug\":\"x1\",\"engine\":\"postgresql\",\"version\":\"9\"}");
        String available = StreamSupport.stream(api.get("/api/v1/engines").json().path("data").spliterator(), false)
                .filter(e -> e.path("engine").asText().equals("postgresql")).findFirst().orElseThrow()
                .path("versions").get(0).asText();
        assertThat(r.text("detail")).contains("available: ").contains(available);
    }

    @Test
    void rejectsBodiesThatAreNotJsonObjects() {
        long before = total();
        assertThat(api.send("POST", dbs.base(), "name=x", "text/plain").status()).isEqualTo(415);
        assertThat(api.send("POST", dbs.base(), "", "application/json").status()).isEqualTo(400);
        String huge = "{\"name\":\"" + "x".repeat(200_000) + "\",\"slug\":\"huge\",\"engine\":\"postgresql\"}";
        assertThat(api.post(dbs.base(), huge).status()).isBetween(400, 413);
        String longName = "{\"name\":\"" + "ü".repeat(201) + "\",\"slug\":\"long-name\",\"engine\":\"postgresql\"}";
        Api.Reply r = api.post(dbs.base(), longName);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text("detail")).contains("200");
        assertThat(total()).isEqualTo(before);
    }

    @Test
    void patchValidation() {
        String id = created.get(0);
        String path = dbs.base() + "/" + id;
        assertThat(api.patch(path, "{}").status()).isEqualTo(400);
        assertThat(api.patch(path, "{\"slug\":\"renamed\"}").status()).isEqualTo(400);
        assertThat(api.patch(path, "{\"storageGb\":\"20\"}").status()).isEqualTo(400);
        assertThat(api.patch(path, "{\"memory\":\"0\"}").status()).isEqualTo(400);
        Api.Reply shrink = api.patch(path, "{\"storageGb\":9}");
        assertThat(shrink.status()).isEqualTo(422);
        assertThat(shrink.text("detail")).isEqualTo("storageGb can only grow: the database has 10 GB, 9 was requested");
        JsonNode after = api.get(path).json();
        assertThat(after.path("storageGb").asInt()).isEqualTo(10);
        assertThat(after.path("memory").asText()).isEqualTo("128Mi");
        assertThat(after.path("slug").asText()).isEqualTo("alpha-orders");
    }

    @ParameterizedTest(name = "GET {0} -> 404")
    @CsvSource({"db_00000000000000000000000000", "nonsense", "db_%27%20or%201%3D1", "%E2%98%83"})
    void unknownIdsAreNotFound(String id) {
        for (String suffix : List.of("", "/status", "/connection")) {
            Api.Reply r = api.get(dbs.base() + "/" + id + suffix);
            assertThat(r.status()).as(id + suffix + " " + r.raw()).isEqualTo(404);
        }
        assertThat(api.delete(dbs.base() + "/" + id).status()).isEqualTo(404);
        assertThat(api.patch(dbs.base() + "/" + id, "{\"name\":\"x\"}").status()).isEqualTo(404);
    }

    @Test
    void requiresAValidKey() {
        for (Api anonymous : List.of(new Api(null), new Api("strata_sk_wrong"), new Api(""))) {
            Api.Reply r = anonymous.get(dbs.base());
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(anonymous.post(dbs.base(), "{\"name\":\"x\",\"slug\":\"sneaky\",\"engine\":\"postgresql\"}").status()).isEqualTo(401);
        }
        assertThat(api.send("GET", "/api/v1/workspaces", null, null).status()).isEqualTo(200);
    }

    @Test
    void anotherWorkspaceSeesNothingOfThisOne() throws Exception {
        String otherKey = "strata_sk_otherWorkspace" + System.nanoTime();
        String otherWs = Tenants.insertWorkspaceWithKey(otherKey, false);
        Api other = new Api(otherKey);
        assertThat(other.get("/api/v1/workspaces").json().path("data")).hasSize(1);
        assertThat(other.get("/api/v1/workspaces").json().path("data").get(0).path("id").asText()).isEqualTo(otherWs);
        assertThat(other.get("/api/v1/workspaces/" + otherWs + "/databases").json().path("meta").path("total").asInt()).isZero();

        String id = created.get(1);
        for (String path : List.of(dbs.base(), dbs.base() + "/" + id, dbs.base() + "/" + id + "/status", dbs.base() + "/" + id + "/connection")) {
            assertThat(other.get(path).status()).as(path).isEqualTo(404);
        }
        // a database id of workspace A under workspace B's own path is not found either
        assertThat(other.get("/api/v1/workspaces/" + otherWs + "/databases/" + id).status()).isEqualTo(404);
        assertThat(other.patch(dbs.base() + "/" + id, "{\"name\":\"pwned\"}").status()).isEqualTo(404);
        assertThat(other.delete(dbs.base() + "/" + id).status()).isEqualTo(404);
        assertThat(other.post(dbs.base(), "{\"name\":\"x\",\"slug\":\"intruder\",\"engine\":\"postgresql\"}").status()).isEqualTo(404);
        assertThat(api.get(dbs.base() + "/" + id).text("status")).isEqualTo("ready");

        String revokedKey = "strata_sk_revoked" + System.nanoTime();
        Tenants.insertWorkspaceWithKey(revokedKey, true);
        assertThat(new Api(revokedKey).get("/api/v1/workspaces").status()).isEqualTo(401);
    }

    private long total() {
        return api.get(dbs.base()).json().path("meta").path("total").asLong();
    }

    private List<String> slugs(String query) {
        List<String> out = new ArrayList<>();
        api.get(dbs.base() + query).json().path("data").forEach(d -> out.add(d.path("slug").asText()));
        return out;
    }
}
