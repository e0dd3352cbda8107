package dev.strata.provisioning.driver.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.StorageSize;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.config.TlsMode;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.tls.CertificateAuthority;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Real PostgreSQL, MariaDB and Redis servers of this host, driven by the local drivers, speak TLS with certificates
 * from Strata's authority: clients verify them against the CA file alone (verify-full, host name included), plain
 * connections work in prefer mode and are refused in require mode, and a renewed certificate is served without a
 * restart (same server process, a connection open across the renewal still works). Ports 30420-30429 (below the kernel's ephemeral ports).
 */
@EnabledIf("serversInstalled")
class LocalTlsTest {

    static final class TestConfig extends StrataConfig {
        final Path data;
        volatile TlsMode mode = TlsMode.PREFER;

        TestConfig(Path data) {
            this.data = data;
        }

        @Override
        public Path dataDir() {
            return data;
        }

        @Override
        public TlsMode tlsMode() {
            return mode;
        }

        @Override
        public String publicHost() {
            return "localhost";
        }
    }

    private static Path data;
    private static TestConfig config;
    private static ServerCertificates certificates;
    private static PostgresLocalDriver postgres;
    private static MariaDbLocalDriver mariadb;
    private static RedisLocalDriver redis;
    private static Path caFile;
    private static final List<Runnable> cleanups = new ArrayList<>();

    static boolean serversInstalled() {
        return Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/pg_ctl")) && Files.isExecutable(Path.of("/usr/sbin/mariadbd"))
                && Files.isExecutable(Path.of("/usr/bin/redis-server"));
    }

    @BeforeAll
    static void servers() throws Exception {
        // traversable by the account servers run as (a @TempDir is private to root)
        data = Files.createTempDirectory(Path.of("/tmp"), "strata-tls-test-");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        config = new TestConfig(data);
        HostAccount account = new HostAccount(config);
        LocalInstances instances = new LocalInstances();
        instances.config = config;
        instances.account = account;
        instances.removals = new DeferredRemovals();
        ServerTemplates templates = new ServerTemplates();
        templates.config = config;
        templates.account = account;
        templates.removals = new DeferredRemovals();
        certificates = new ServerCertificates();
        certificates.config = config;
        certificates.instances = instances;
        certificates.account = account;
        certificates.authority = new CertificateAuthority(data.resolve("tls"), new SecretBox(new byte[32]));
        postgres = new PostgresLocalDriver();
        postgres.config = config;
        postgres.account = account;
        postgres.instances = instances;
        postgres.templates = templates;
        postgres.certificates = certificates;
        mariadb = new MariaDbLocalDriver();
        mariadb.config = config;
        mariadb.account = account;
        mariadb.instances = instances;
        mariadb.templates = templates;
        mariadb.certificates = certificates;
        redis = new RedisLocalDriver();
        redis.config = config;
        redis.account = account;
        redis.instances = instances;
        redis.certificates = certificates;
        caFile = data.resolve("ca.pem");
        Files.writeString(caFile, certificates.authority.certificatePem());
    }

    @AfterEach
    void preferAgain() {
        config.mode = TlsMode.PREFER;
        certificates.renewBefore = Duration.ofDays(30);
        certificates.validity = Duration.ofDays(90);
    }

    @AfterAll
    static void removeServers() throws Exception {
        cleanups.forEach(Runnable::run);
        InstanceFiles.deleteRecursively(data);
    }

    private static InstanceSpec spec(String id, Engine engine, String version, int port, Integer tlsPort) {
        InstanceSpec spec = new InstanceSpec(id, "ws_tlstest", null, engine, version, CpuQuantity.parse("250m"), MemoryQuantity.parse("256Mi"),
                new StorageSize(1), "local", port, "app", "app", "app-password-1", "admin-password-1", false, tlsPort);
        cleanups.add(() -> {
            switch (engine) {
                case POSTGRESQL -> postgres.delete(spec);
                case MYSQL -> mariadb.delete(spec);
                default -> redis.delete(spec);
            }
        });
        return spec;
    }

    private static void assertReady(InstanceObservation o) {
        assertThat(o.failure()).isNull();
        assertThat(o.ready()).as(o.message()).isTrue();
    }

    /** Forces the next reconciler pass to renew; a different validity makes the new certificate tell itself apart. */
    private static void renewOnNextPass() {
        certificates.renewBefore = Duration.ofDays(365);
        certificates.validity = certificates.validity.minusDays(1);
    }

    // --- PostgreSQL ---

    private static Connection pg(int port, String sslmode) throws SQLException {
        return pg("localhost", port, sslmode);
    }

    private static Connection pg(String host, int port, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app-password-1");
        p.setProperty("sslmode", sslmode);
        p.setProperty("sslrootcert", caFile.toString());
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/app", p);
    }

    private static Object pgOne(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }

    /** The certificate the server presents, read by PostgreSQL's own TLS negotiation (SSLRequest, then a handshake). */
    private static X509Certificate pgServed(int port) throws Exception {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            DataOutputStream out = new DataOutputStream(plain.getOutputStream());
            out.writeInt(8);
            out.writeInt(80877103);
            out.flush();
            assertThat((char) new DataInputStream(plain.getInputStream()).readByte()).isEqualTo('S');
            return handshake(plain, port);
        }
    }

    private static X509Certificate handshake(Socket plain, int port) throws Exception {
        SSLSocket s = (SSLSocket) certificates.clientContext().getSocketFactory().createSocket(plain, "localhost", port, true);
        var params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(params);
        s.startHandshake();
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    @Test
    void postgresql_verify_full_against_the_ca_plain_still_allowed_and_renewal_without_restart() throws Exception {
        InstanceSpec spec = spec("db_tlstestpostgres", Engine.POSTGRESQL, "15", 30420, null);
        assertReady(postgres.ensureRunning(spec));

        try (Connection c = pg(30420, "verify-full")) {
            assertThat(pgOne(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo(true);
        }
        try (Connection c = pg("127.0.0.1", 30420, "verify-full")) {
            assertThat(pgOne(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).as("an IP address name verifies too").isEqualTo(true);
        }
        try (Connection c = pg(30420, "disable")) {
            assertThat(pgOne(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo(false);
        }
        assertThat(postgres.connection(spec).uri()).doesNotContain("sslmode");
        Path key = certificates.key(spec);
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getOwner(key).getName()).isEqualTo(new HostAccount(config).name());

        BigInteger before = pgServed(30420).getSerialNumber();
        try (Connection open = pg(30420, "verify-full")) {
            Object started = pgOne(open, "SELECT pg_postmaster_start_time()");
            renewOnNextPass();
            assertReady(postgres.ensureRunning(spec));
            await().atMost(Duration.ofSeconds(20)).until(() -> !pgServed(30420).getSerialNumber().equals(before));
            assertThat(pgOne(open, "SELECT pg_postmaster_start_time()")).as("the server was not restarted").isEqualTo(started);
            try (Connection fresh = pg(30420, "verify-full")) {
                assertThat(pgOne(fresh, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo(true);
            }
        }
        // nothing left to do on the next pass: the certificate is current again
        certificates.renewBefore = Duration.ofDays(30);
        BigInteger renewed = pgServed(30420).getSerialNumber();
        assertReady(postgres.ensureRunning(spec));
        assertThat(pgServed(30420).getSerialNumber()).isEqualTo(renewed);
    }

    @Test
    void postgresql_require_refuses_plain_connections() throws Exception {
        config.mode = TlsMode.REQUIRE;
        InstanceSpec spec = spec("db_tlstestpgrequire", Engine.POSTGRESQL, "15", 30426, null);
        assertReady(postgres.ensureRunning(spec));

        assertThatThrownBy(() -> pg(30426, "disable").close()).isInstanceOf(SQLException.class).hasMessageContaining("no encryption");
        try (Connection c = pg(30426, "require")) {
            assertThat(pgOne(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo(true);
        }
        assertThat(postgres.connection(spec).uri()).endsWith("?sslmode=require");
        assertThat(postgres.connection(spec).jdbcUrl()).endsWith("&sslmode=require");
    }

    // --- MariaDB ---

    private static Connection maria(int port, String sslMode) throws SQLException {
        return maria("localhost", port, sslMode);
    }

    private static Connection maria(String host, int port, String sslMode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app-password-1");
        p.setProperty("sslMode", sslMode);
        p.setProperty("serverSslCert", caFile.toString());
        p.setProperty("connectTimeout", "5000");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://" + host + ":" + port + "/app", p);
    }

    private static String status(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        }
    }

    @Test
    void mariadb_verify_full_against_the_ca_plain_still_allowed_and_renewal_without_restart() throws Exception {
        InstanceSpec spec = spec("db_tlstestmariadb", Engine.MYSQL, "10.11", 30422, null);
        assertReady(mariadb.ensureRunning(spec));

        try (Connection c = maria(30422, "verify-full")) {
            assertThat(status(c, "Ssl_version")).startsWith("TLSv1.");
        }
        try (Connection c = maria("127.0.0.1", 30422, "verify-full")) {
            assertThat(status(c, "Ssl_version")).as("an IP address name verifies too").startsWith("TLSv1.");
        }
        try (Connection c = maria(30422, "disable")) {
            assertThat(status(c, "Ssl_version")).isEmpty();
        }

        Path pidFile = data.resolve("instances/db_tlstestmariadb/mariadbd.pid");
        String pid = Files.readString(pidFile).trim();
        try (Connection open = maria(30422, "verify-full")) {
            String notAfter = status(open, "Ssl_server_not_after");
            renewOnNextPass();
            assertReady(mariadb.ensureRunning(spec));
            try (Connection fresh = maria(30422, "verify-full")) {
                assertThat(status(fresh, "Ssl_server_not_after")).isNotEqualTo(notAfter);
            }
            assertThat(status(open, "Ssl_version")).as("a connection open across the renewal still works").startsWith("TLSv1.");
        }
        assertThat(Files.readString(pidFile).trim()).as("the server was not restarted").isEqualTo(pid);
    }

    @Test
    void mariadb_require_refuses_plain_connections() throws Exception {
        config.mode = TlsMode.REQUIRE;
        InstanceSpec spec = spec("db_tlstestmariarequire", Engine.MYSQL, "10.11", 30427, null);
        assertReady(mariadb.ensureRunning(spec));

        // MariaDB 10.11 answers a plain login of a valid user "Access denied" under require_secure_transport
        assertThatThrownBy(() -> maria(30427, "disable").close()).isInstanceOf(SQLException.class);
        try (Connection c = maria(30427, "verify-full")) {
            assertThat(status(c, "Ssl_version")).startsWith("TLSv1.");
        }
        try (Connection c = DriverManager.getConnection(mariadb.connection(spec).jdbcUrl().replace("localhost", "127.0.0.1"))) {
            assertThat(status(c, "Ssl_version")).as("the jdbcUrl of require mode asks for TLS").startsWith("TLSv1.");
        }
        // idle sleep counts the clients over TLS too (plain TCP is refused)
        assertThat(mariadb.clientConnections(spec)).isZero();
        try (Connection open = maria(30427, "verify-full")) {
            assertThat(mariadb.clientConnections(spec)).isEqualTo(1);
        }
    }

    // --- Redis ---

    private static X509Certificate redisServed(int port) throws Exception {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            return handshake(plain, port);
        }
    }

    @Test
    void redis_tls_port_verified_against_the_ca_plain_port_kept_and_renewal_without_restart() throws Exception {
        assertThat(redis.needsTlsPort()).isTrue();
        InstanceSpec spec = spec("db_tlstestredis", Engine.REDIS, "7.0", 30424, 30425);
        assertReady(redis.ensureRunning(spec));

        var tls = certificates.clientContext().getSocketFactory();
        assertThat(Resp.call("localhost", 30425, "app", "app-password-1", tls, "PING")).isEqualTo("+PONG");
        assertThat(Resp.ping("127.0.0.1", 30424, "app", "app-password-1")).as("plain port").isNull();
        assertThat(redis.connection(spec).uri()).startsWith("redis://").contains(":30424/");
        assertThat(redis.connection(spec).tlsUri()).startsWith("rediss://").contains("@localhost:30425/");

        Path pidFile = data.resolve("instances/db_tlstestredis/redis.pid");
        String pid = Files.readString(pidFile).trim();
        BigInteger before = redisServed(30425).getSerialNumber();
        renewOnNextPass();
        assertReady(redis.ensureRunning(spec));
        assertThat(redisServed(30425).getSerialNumber()).isNotEqualTo(before);
        assertThat(Files.readString(pidFile).trim()).as("the server was not restarted").isEqualTo(pid);
        assertThat(Resp.call("localhost", 30425, "app", "app-password-1", tls, "PING")).isEqualTo("+PONG");
    }

    @Test
    void redis_without_a_tls_port_stays_plain_in_prefer_mode() {
        InstanceSpec spec = spec("db_tlstestredisold", Engine.REDIS, "7.0", 30428, null);
        assertReady(redis.ensureRunning(spec));

        assertThat(Resp.ping("127.0.0.1", 30428, "app", "app-password-1")).isNull();
        assertThat(redis.connection(spec).tlsUri()).isNull();
    }

    @Test
    void redis_require_speaks_tls_only_on_its_port() throws Exception {
        config.mode = TlsMode.REQUIRE;
        assertThat(redis.needsTlsPort()).isFalse();
        InstanceSpec spec = spec("db_tlstestredisrequire", Engine.REDIS, "7.0", 30429, null);
        assertReady(redis.ensureRunning(spec));

        assertThat(Resp.ping("127.0.0.1", 30429, "app", "app-password-1")).as("a plain client gets no PONG").isNotNull();
        assertThat(Resp.call("localhost", 30429, "app", "app-password-1", certificates.clientContext().getSocketFactory(), "PING"))
                .isEqualTo("+PONG");
        assertThat(redis.connection(spec).uri()).startsWith("rediss://");
        // the backup's redis-cli speaks TLS to it with the arguments the driver gives it
        CommandResult cli = new HostAccount(config).runAsAccount(List.of("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", "30429",
                "--user", RedisLocalDriver.ADMIN_USER, "--no-auth-warning", "--tls", "--cacert", certificates.authorityFile(spec).toString(), "PING"),
                "", Duration.ofSeconds(30), java.util.Map.of("REDISCLI_AUTH", "admin-password-1"));
        assertThat(cli.output()).as(cli.tail()).contains("PONG");

        // idle sleep counts the clients over TLS too (the port speaks nothing else)
        assertThat(redis.clientConnections(spec)).isZero();
        try (Socket plain = new Socket("127.0.0.1", 30429); SSLSocket open = (SSLSocket) certificates.clientContext().getSocketFactory()
                .createSocket(plain, "localhost", 30429, true)) {
            open.getOutputStream().write("*3\r\n$4\r\nAUTH\r\n$3\r\napp\r\n$14\r\napp-password-1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            open.getOutputStream().flush();
            byte[] ok = new byte[5];
            new DataInputStream(open.getInputStream()).readFully(ok);
            assertThat(new String(ok, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
            assertThat(redis.clientConnections(spec)).isEqualTo(1);
        }
    }
}
