package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * TLS with Strata's own certificate authority, in the default mode ({@code STRATA_TLS_MODE=prefer}): the CA
 * certificate from {@code GET /workspaces/{ws}/ca.pem} (and {@code DATABASE_CA_CERT}) verifies a PostgreSQL, a
 * MariaDB and a Redis database created through the API with the real clients (pgjdbc {@code verify-full},
 * MariaDB Connector/J {@code verify-full}, Jedis over TLS with host name verification); plain connections still work.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TlsIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void the_ca_certificate_is_served_to_the_workspace_only() throws Exception {
        String ws = api.workspaceId();
        Api.Reply pem = api.get("/api/v1/workspaces/" + ws + "/ca.pem");
        assertThat(pem.status()).as(pem.raw()).isEqualTo(200);
        assertThat(pem.contentType()).startsWith("application/x-pem-file");
        assertThat(pem.raw()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE");

        String otherKey = "strata_sk_tlsOtherWorkspace" + System.nanoTime();
        String otherWs = Tenants.insertWorkspaceWithKey(otherKey, false);
        Api other = new Api(otherKey);
        Api.Reply refused = other.get("/api/v1/workspaces/" + ws + "/ca.pem");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(404);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        // one authority per installation: the other workspace's own ca.pem is the same certificate
        Api.Reply own = other.get("/api/v1/workspaces/" + otherWs + "/ca.pem");
        assertThat(own.status()).as(own.raw()).isEqualTo(200);
        assertThat(own.raw()).isEqualTo(pem.raw());
        assertThat(new Api(null).get("/api/v1/workspaces/" + ws + "/ca.pem").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/workspaces/ws_00000000000000000000000000/ca.pem").status()).isEqualTo(404);
    }

    @Test
    void postgresql_mariadb_and_redis_verify_against_the_ca() throws Exception {
        String ws = api.workspaceId();
        String pem = api.get("/api/v1/workspaces/" + ws + "/ca.pem").raw();
        Path caFile = Files.createTempFile("strata-ca", ".pem");
        Files.writeString(caFile, pem);
        TestDatabases dbs = new TestDatabases(api, ws);
        String project = api.post("/api/v1/projects", "{\"name\":\"tls project\"}").text("id");
        List<String> ids = new ArrayList<>();
        try {
            String pg = dbs.create("tls-pg", "{\"name\":\"tls-pg\",\"slug\":\"tls-pg\",\"engine\":\"postgresql\",\"projectId\":\"" + project + "\"}");
            ids.add(pg);
            String maria = dbs.create("tls-maria", "{\"name\":\"tls-maria\",\"slug\":\"tls-maria\",\"engine\":\"mysql\",\"projectId\":\"" + project + "\"}");
            ids.add(maria);
            String redis = dbs.create("tls-redis", "{\"name\":\"tls-redis\",\"slug\":\"tls-redis\",\"engine\":\"redis\",\"projectId\":\"" + project + "\"}");
            ids.add(redis);
            for (String id : ids) {
                dbs.awaitStatus(id, "ready", Duration.ofSeconds(120));
            }

            // PostgreSQL: the jdbcUrl as given (prefer: no sslmode in it), verify-full against the CA, require, and plain
            String pgJdbc = dbs.connection(pg).path("jdbcUrl").asText();
            assertThat(pgJdbc).doesNotContain("sslmode");
            assertThat(pgSsl(pgJdbc + "&sslmode=verify-full&sslrootcert=" + caFile)).isTrue();
            assertThat(pgSsl(pgJdbc + "&sslmode=require")).isTrue();
            assertThat(pgSsl(pgJdbc + "&sslmode=disable")).as("plain connections are allowed in prefer mode").isFalse();

            // MariaDB: verify-full against the CA (host name included), and plain
            String mariaJdbc = dbs.connection(maria).path("jdbcUrl").asText();
            assertThat(mariaTls(mariaJdbc + "&sslMode=verify-full&serverSslCert=" + caFile)).startsWith("TLSv1.");
            assertThat(mariaTls(mariaJdbc + "&sslMode=disable")).as("plain connections are allowed in prefer mode").isEmpty();

            // Redis: plain on its port, TLS on its TLS port (tlsUri), verified against the CA with the host name
            JsonNode conn = dbs.connection(redis);
            String tlsUri = conn.path("tlsUri").asText();
            assertThat(conn.path("uri").asText()).startsWith("redis://");
            assertThat(tlsUri).startsWith("rediss://");
            URI tls = URI.create(tlsUri);
            assertThat(tls.getPort()).isNotEqualTo(conn.path("port").asInt());
            String user = conn.path("username").asText();
            String password = conn.path("password").asText();
            try (Jedis plain = new Jedis(new HostAndPort(conn.path("host").asText(), conn.path("port").asInt()),
                    DefaultJedisClientConfig.builder().user(user).password(password).build())) {
                assertThat(plain.ping()).isEqualTo("PONG");
            }
            SSLParameters verifyHost = new SSLParameters();
            verifyHost.setEndpointIdentificationAlgorithm("HTTPS");
            try (Jedis secure = new Jedis(new HostAndPort(tls.getHost(), tls.getPort()), DefaultJedisClientConfig.builder()
                    .user(user).password(password).ssl(true).sslSocketFactory(trusting(pem).getSocketFactory()).sslParameters(verifyHost).build())) {
                assertThat(secure.ping()).isEqualTo("PONG");
            }

            // the project's environment: the CA and Heroku's REDIS_TLS_URL
            JsonNode env = api.get("/api/v1/projects/" + project + "/env").json().path("data");
            assertThat(value(env, "DATABASE_CA_CERT")).isEqualTo(pem);
            assertThat(value(env, "REDIS_TLS_URL")).isEqualTo(tlsUri);
        } finally {
            ids.forEach(dbs::deleteQuietly);
            api.delete("/api/v1/projects/" + project);
            Files.deleteIfExists(caFile);
        }
    }

    private static boolean pgSsl(String jdbcUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static String mariaTls(String jdbcUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
            return rs.next() ? rs.getString(2) : "";
        }
    }

    /** A TLS context that trusts Strata's authority {@code pem} only (for Jedis over TLS). */
    static SSLContext trusting(String pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("strata-ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    private static String value(JsonNode env, String name) {
        for (JsonNode v : env) {
            if (v.path("name").asText().equals(name)) {
                return v.path("value").asText();
            }
        }
        return null;
    }
}
