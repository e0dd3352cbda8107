package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
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

/**
 * PostgreSQL extensions as a database owner meets them: the allow-listed ones are created with a plain
 * {@code CREATE EXTENSION} by the (non-superuser) owner and work (pgvector wherever its control file is installed,
 * as .ci/run makes sure), one outside the list is refused, and
 * {@code GET /api/v1/engines} lists what each version offers. Needs Debian's pgextwlist (.ci/run installs it).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExtensionsIT {

    /** The documented allow-list (README, "PostgreSQL extensions"). */
    private static final List<String> ALLOW_LIST = List.of(
            "pg_stat_statements", "pgcrypto", "uuid-ossp", "pg_trgm", "hstore", "citext", "vector", "postgis");

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void enginesListTheAllowListedExtensionsInstalledForEachVersion() {
        Api.Reply r = api.get("/api/v1/engines");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        for (JsonNode e : r.json().path("data")) {
            JsonNode extensions = e.path("extensions");
            assertThat(extensions.isObject()).as(e.toString()).isTrue();
            if (!e.path("engine").asText().equals("postgresql")) {
                assertThat(extensions.size()).as(e.toString()).isZero();
                continue;
            }
            for (JsonNode v : e.path("versions")) {
                List<String> listed = new ArrayList<>();
                extensions.path(v.asText()).forEach(x -> listed.add(x.asText()));
                assertThat(listed).as("version " + v.asText()).containsExactlyElementsOf(installed(v.asText()))
                        .contains("pg_stat_statements", "pgcrypto", "uuid-ossp", "pg_trgm", "hstore", "citext");
            }
        }
    }

    @Test
    void theOwnerCreatesTheAllowedExtensionsAndNoOther() throws Exception {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        Api.Reply created = api.post(dbs.base(), "{\"name\":\"Search\",\"slug\":\"ext-search\",\"engine\":\"postgresql\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.text("id");
        String version = created.text("version");
        try {
            dbs.awaitStatus(id, "ready", Duration.ofSeconds(60));
            JsonNode conn = api.get(dbs.base() + "/" + id + "/connection").json();
            try (Connection c = DriverManager.getConnection(conn.path("jdbcUrl").asText()); Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
                // (SHOW shared_preload_libraries is for superusers; the view below answers only when the library is preloaded)

                s.execute("CREATE EXTENSION pg_stat_statements");
                s.execute("SELECT 42 AS answer");
                assertThat(Long.parseLong(scalar(s, "SELECT count(*) FROM pg_stat_statements"))).isPositive();

                s.execute("CREATE EXTENSION pgcrypto");
                assertThat(scalar(s, "SELECT gen_random_uuid()::text")).matches("[0-9a-f-]{36}");
                assertThat(scalar(s, "SELECT encode(digest('abc', 'sha256'), 'hex')"))
                        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

                s.execute("CREATE EXTENSION \"uuid-ossp\"");
                assertThat(scalar(s, "SELECT uuid_generate_v4()::text")).matches("[0-9a-f-]{36}");
                s.execute("CREATE EXTENSION citext");
                assertThat(scalar(s, "SELECT ('Hello'::citext = 'hello'::citext)::text")).isEqualTo("true");
                s.execute("CREATE EXTENSION pg_trgm");
                assertThat(scalar(s, "SELECT show_trgm('cat')::text")).isEqualTo("{\"  c\",\" ca\",\"at \",cat}");
                assertThat(Double.parseDouble(scalar(s, "SELECT similarity('postgres', 'postgis')"))).isBetween(0.1, 0.9);
                s.execute("CREATE EXTENSION hstore");
                assertThat(scalar(s, "SELECT ('a=>1, b=>2'::hstore -> 'b')")).isEqualTo("2");

                // pgvector where installed (.ci/run builds it for every PostgreSQL major on Debian 12, which does not
                // package it): this host has its control file exactly when the server offers it, and then it works. No
                // silent pass: a server that does not offer what is installed fails here, and what it offers is run
                boolean vectorHere = installed(version).contains("vector");
                assertThat(offered(version).contains("vector")).as("the server offers vector for PostgreSQL " + version
                        + " exactly when this host has /usr/share/postgresql/" + version + "/extension/vector.control").isEqualTo(vectorHere);
                if (vectorHere) {
                    s.execute("CREATE EXTENSION vector");
                    s.execute("CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))");
                    s.execute("INSERT INTO items VALUES (1, '[1,2,3]'), (2, '[4,5,6]'), (3, '[1,2,4]')");
                    assertThat(scalar(s, "SELECT id FROM items ORDER BY embedding <-> '[1,2,3.9]' LIMIT 1")).isEqualTo("3");
                }

                // PostGIS where installed (Debian's postgresql-15-postgis-3; .ci/run leaves it out: ~46 packages)
                if (installed(version).contains("postgis")) {
                    s.execute("CREATE EXTENSION postgis");
                    assertThat(scalar(s, "SELECT ST_Distance('POINT(0 0)'::geometry, 'POINT(3 4)'::geometry)::text")).isEqualTo("5");
                    assertThat(scalar(s, "SELECT ST_AsText(ST_Buffer('POINT(0 0)'::geometry, 1, 1))")).startsWith("POLYGON((1 0");
                }

                // outside the allow-list: refused with PostgreSQL's own message, and nothing created
                assertThatThrownBy(() -> s.execute("CREATE EXTENSION file_fdw"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("permission denied to create extension \"file_fdw\"")
                        .satisfies(ex -> assertThat(((SQLException) ex).getSQLState()).isEqualTo("42501"));
                assertThat(scalar(s, "SELECT count(*) FROM pg_extension WHERE extname = 'file_fdw'")).isEqualTo("0");
                // and creating the allowed ones gave the owner no superuser power
                assertThat(scalar(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
            }
        } finally {
            if (api.get(dbs.base() + "/" + id).status() == 200) {
                dbs.deleteAndAwaitGone(id);
            }
        }
    }

    /** The extensions {@code GET /api/v1/engines} says the server offers for a PostgreSQL major. */
    private List<String> offered(String version) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : api.get("/api/v1/engines").json().path("data")) {
            if (e.path("engine").asText().equals("postgresql")) {
                e.path("extensions").path(version).forEach(x -> out.add(x.asText()));
            }
        }
        assertThat(out).as("PostgreSQL " + version + " is offered with extensions").isNotEmpty();
        return out;
    }

    /** The allow-listed extensions whose control file this host has for a PostgreSQL major (Debian's layout). */
    private static List<String> installed(String version) {
        Path dir = Path.of("/usr/share/postgresql", version, "extension");
        return ALLOW_LIST.stream().filter(n -> Files.isRegularFile(dir.resolve(n + ".control"))).toList();
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
