package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A MySQL (MariaDB) and a Redis database's whole life through the API, checked with the engine's own client and
 * against the host: create, use, security, crash and restart by the health check, resize, sleep, wake, delete.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EngineLifecycleIT {

    private static final long MI = 1024L * 1024L;
    private static final String ITEM = "keyboard";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @ParameterizedTest(name = "{0}: create, use, crash, resize, sleep, wake, delete")
    @ValueSource(strings = {"mysql", "redis"})
    void wholeLife(String engine) throws Exception {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        String slug = "life-" + engine;
        Api.Reply created = api.post(dbs.base(),
                "{\"name\":\"Life of " + engine + "\",\"slug\":\"" + slug + "\",\"engine\":\"" + engine + "\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String id = created.text("id");
        try {
            assertThat(id).matches("db_[0-9a-z]{26}");
            assertThat(created.text("status")).isEqualTo("provisioning");
            assertThat(created.text("engine")).isEqualTo(engine);
            assertThat(created.text("slug")).isEqualTo(slug);
            assertThat(created.text("memory")).isEqualTo("512Mi");
            assertThat(created.text("cpu")).isEqualTo("250m");
            assertThat(created.json().path("storageGb").asInt()).isEqualTo(10);
            assertThat(created.text("version")).isEqualTo(Host.installedVersion(engine));
            lifecycle(dbs, id, engine, slug, created.text("version"));
        } finally {
            dbs.deleteQuietly(id);
        }
    }

    private void lifecycle(TestDatabases dbs, String id, String engine, String slug, String version) throws Exception {
        // ready: one server process of the right kind, storage in use, the version offered by the engines endpoint
        Api.Reply ready = dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
        assertThat(ready.json().path("storageUsedBytes").isIntegralNumber()).as(ready.raw()).isTrue();
        assertThat(ready.json().path("storageUsedBytes").asLong()).as(ready.raw()).isPositive();
        assertThat(api.get(dbs.path(id) + "/status").raw()).isEqualTo("{\"ready\":1,\"desired\":1}");
        List<Long> servers = Host.serverProcesses(id);
        assertThat(servers).hasSize(1);
        EngineClient client = "mysql".equals(engine) ? new MariaDb(dbs.connection(id), slug, version) : new Redis(dbs.connection(id), slug, id);
        assertThat(Host.processName(servers.get(0))).isIn(client.serverNames());
        assertThat(Host.pidFromPidFile(id)).as("pid file of " + id).contains(servers.get(0));
        assertThat(offeredVersions(engine)).contains(version);

        // the real client: write, read back, and what the application user may (not) do
        client.write();
        assertThat(client.read()).isEqualTo(ITEM);
        client.checkSecurity();
        assertNotReachableFromOtherAddresses(client.port());
        assertThat(client.memorySetting()).isEqualTo(client.memoryBytesFor(512 * MI));

        // a server process that dies is restarted by the health check, with its data, within 5 s
        long pid = servers.get(0);
        Host.kill9(pid);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
            assertThat(Host.isRunning(pid)).as("killed server %d still running", pid).isFalse();
            assertThat(client.read()).isEqualTo(ITEM);
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(Host.serverProcesses(id)).hasSize(1).doesNotContain(pid);
            assertThat(api.get(dbs.path(id)).text("status")).isEqualTo("ready");
        });

        // resize: memory maps to the engine's memory setting, applied by a restart (updating -> ready)
        Api.Reply patched = api.patch(dbs.path(id), "{\"memory\":\"1Gi\"}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.text("status")).isEqualTo("updating");
        assertThat(patched.text("memory")).isEqualTo("1Gi");
        dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
        assertThat(client.memorySetting()).isEqualTo(client.memoryBytesFor(1024 * MI));
        assertThat(client.read()).isEqualTo(ITEM);
        assertThat(Host.serverProcesses(id)).hasSize(1);

        // sleep: no server process, status 0/0, the data stays on disk
        long awake = Host.serverProcesses(id).get(0);
        Api.Reply sleep = api.send("POST", dbs.path(id) + "/sleep", null, null);
        assertThat(sleep.status()).as(sleep.raw()).isEqualTo(202);
        assertThat(sleep.text("id")).isEqualTo(id);
        assertThat(sleep.text("status")).isEqualTo("updating");
        dbs.awaitStatus(id, "sleeping", Duration.ofSeconds(60));
        assertThat(api.get(dbs.path(id) + "/status").raw()).isEqualTo("{\"ready\":0,\"desired\":0}");
        assertThat(Host.serverProcesses(id)).isEmpty();
        assertThat(Host.isRunning(awake)).isFalse();
        // (a client's connection would wake it: WakeOnConnectIT)
        assertThat(Files.isDirectory(Host.instanceDir(id))).isTrue();
        JsonNode asleep = api.get(dbs.path(id)).json();
        assertThat(asleep.path("memory").asText()).isEqualTo("1Gi");
        // the health check does not wake it up again
        Thread.sleep(2_000);
        assertThat(Host.serverProcesses(id)).isEmpty();
        assertThat(api.get(dbs.path(id)).text("status")).isEqualTo("sleeping");

        // wake: ready again, same data, same settings
        Api.Reply wake = api.send("POST", dbs.path(id) + "/wake", null, null);
        assertThat(wake.status()).as(wake.raw()).isEqualTo(202);
        assertThat(wake.text("id")).isEqualTo(id);
        dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
        assertThat(api.get(dbs.path(id) + "/status").raw()).isEqualTo("{\"ready\":1,\"desired\":1}");
        assertThat(Host.serverProcesses(id)).hasSize(1);
        assertThat(client.read()).isEqualTo(ITEM);
        assertThat(client.memorySetting()).isEqualTo(client.memoryBytesFor(1024 * MI));

        // delete: 204, deleting until gone, then 404; no process, no directory
        List<Long> before = Host.anyProcessOf(id);
        assertThat(before).isNotEmpty();
        Api.Reply deleted = api.delete(dbs.path(id));
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(204);
        Api.Reply during = api.get(dbs.path(id));
        assertThat(during.status()).isIn(200, 404);
        if (during.status() == 200) {
            assertThat(during.text("status")).isEqualTo("deleting");
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(api.get(dbs.path(id)).status()).isEqualTo(404));
        assertThat(Host.anyProcessOf(id)).isEmpty();
        assertThat(before).noneMatch(Host::isRunning);
        assertThat(Files.exists(Host.instanceDir(id))).isFalse();
    }

    /** The versions {@code GET /api/v1/engines} offers for one engine. */
    private List<String> offeredVersions(String engine) {
        Api.Reply r = api.get("/api/v1/engines");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<String> versions = new ArrayList<>();
        for (JsonNode e : r.json().path("data")) {
            if (engine.equals(e.path("engine").asText())) {
                e.path("versions").forEach(v -> versions.add(v.asText()));
            }
        }
        return versions;
    }

    /** A server bound to 127.0.0.1 cannot be reached on any other address of this host. */
    private static void assertNotReachableFromOtherAddresses(int port) throws SocketException {
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (nic.isUp() && !nic.isLoopback()) {
                nic.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(others::add);
            }
        }
        for (InetAddress address : others) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(address, port), 1000);
                }
            }).as("port %d answers on %s", port, address.getHostAddress()).isInstanceOf(IOException.class);
        }
    }

    /** What the lifecycle does with one engine's own client. */
    private interface EngineClient {

        Set<String> serverNames();

        int port();

        /** Stores {@link #ITEM}. */
        void write() throws Exception;

        /** Reads {@link #ITEM} back over a new connection with short timeouts; throws when the server does not answer. */
        String read() throws Exception;

        /** What the application user may and may not do, and what else can (not) log in. */
        void checkSecurity() throws Exception;

        /** The server's memory setting, as the server reports it. */
        long memorySetting() throws Exception;

        /** The memory setting expected for a database with {@code memory} bytes. */
        long memoryBytesFor(long memory);
    }

    private static final class MariaDb implements EngineClient {

        private final String user;
        private final String password;
        private final String host;
        private final int port;
        private final String database;
        private final String jdbcUrl;
        private final String version;

        MariaDb(JsonNode conn, String slug, String version) {
            this.version = version;
            user = conn.path("username").asText();
            password = conn.path("password").asText();
            host = conn.path("host").asText();
            port = conn.path("port").asInt();
            database = conn.path("database").asText();
            jdbcUrl = conn.path("jdbcUrl").asText();
            String name = slug.replace('-', '_');
            assertThat(user).isEqualTo(name);
            assertThat(database).isEqualTo(name);
            assertThat(host).isEqualTo("127.0.0.1");
            assertThat(port).isBetween(1, 65535);
            assertThat(password).hasSizeGreaterThanOrEqualTo(32);
            assertThat(conn.path("uri").asText()).startsWith("mysql://" + name + ":")
                    .endsWith("@127.0.0.1:" + port + "/" + name);
            assertThat(jdbcUrl).startsWith("jdbc:mariadb://127.0.0.1:" + port + "/" + name + "?")
                    .contains("user=" + name).contains("password=");
        }

        @Override
        public Set<String> serverNames() {
            return Set.of("mariadbd", "mysqld");
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public void write() throws Exception {
            try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items (id INT PRIMARY KEY, item VARCHAR(64)) ENGINE=InnoDB");
                s.execute("INSERT INTO items VALUES (1, '" + ITEM + "')");
            }
        }

        @Override
        public String read() throws Exception {
            String url = jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "connectTimeout=2000&socketTimeout=3000";
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                return scalar(s, "SELECT item FROM items WHERE id = 1");
            }
        }

        @Override
        public void checkSecurity() throws Exception {
            try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
                assertThat(column(s, "SHOW DATABASES")).containsExactlyInAnyOrder(database, "information_schema");
                assertThat(scalar(s, "SELECT CURRENT_USER()")).startsWith(user + "@");
                // privileges on the own database only: nothing server-wide beyond USAGE (no SUPER, FILE, PROCESS ...)
                assertThat(column(s, "SHOW GRANTS")).filteredOn(g -> g.contains(" ON *.* "))
                        .allMatch(g -> g.startsWith("GRANT USAGE ON *.* "));
                assertThatThrownBy(() -> s.executeQuery("SELECT user FROM mysql.user")).isInstanceOf(SQLException.class);
                assertThat(scalar(s, "SELECT @@bind_address")).isEqualTo("127.0.0.1");
                assertThat(scalar(s, "SELECT VERSION()")).startsWith(version + ".");
            }
            // nobody else gets in over TCP: not root without a password, not root with the application's password
            String plain = "jdbc:mariadb://" + host + ":" + port + "/?connectTimeout=2000";
            assertThatThrownBy(() -> DriverManager.getConnection(plain, "root", "").close()).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(plain, "root", password).close()).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(plain, user, "wrong-password").close()).isInstanceOf(SQLException.class);
        }

        @Override
        public long memorySetting() throws Exception {
            try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW VARIABLES LIKE 'innodb_buffer_pool_size'")) {
                assertThat(rs.next()).isTrue();
                return Long.parseLong(rs.getString(2));
            }
        }

        @Override
        public long memoryBytesFor(long memory) {
            return memory / 2;
        }

        private static String scalar(Statement s, String sql) throws SQLException {
            try (ResultSet rs = s.executeQuery(sql)) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getString(1);
            }
        }

        private static List<String> column(Statement s, String sql) throws SQLException {
            List<String> values = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    private static final class Redis implements EngineClient {

        private final String user;
        private final String password;
        private final HostAndPort address;
        private final String uri;
        private final String id;

        Redis(JsonNode conn, String slug, String id) {
            this.id = id;
            user = conn.path("username").asText();
            password = conn.path("password").asText();
            address = new HostAndPort(conn.path("host").asText(), conn.path("port").asInt());
            uri = conn.path("uri").asText();
            String name = slug.replace('-', '_');
            assertThat(user).isEqualTo(name);
            assertThat(address.getHost()).isEqualTo("127.0.0.1");
            assertThat(address.getPort()).isBetween(1, 65535);
            assertThat(password).hasSizeGreaterThanOrEqualTo(32);
            assertThat(uri).startsWith("redis://" + name + ":").endsWith("@127.0.0.1:" + address.getPort() + "/0");
            assertThat(conn.path("jdbcUrl").isMissingNode() || conn.path("jdbcUrl").isNull())
                    .as("a Redis connection has no jdbcUrl: " + conn).isTrue();
        }

        @Override
        public Set<String> serverNames() {
            return Set.of("redis-server");
        }

        @Override
        public int port() {
            return address.getPort();
        }

        private Jedis jedis() {
            return new Jedis(address, DefaultJedisClientConfig.builder().user(user).password(password)
                    .connectionTimeoutMillis(2000).socketTimeoutMillis(3000).build());
        }

        @Override
        public void write() {
            // the connection URI as given works with a stock client
            try (Jedis j = new Jedis(URI.create(uri))) {
                assertThat(j.set("item", ITEM)).isEqualTo("OK");
            }
        }

        @Override
        public String read() {
            try (Jedis j = jedis()) {
                return j.get("item");
            }
        }

        @Override
        public void checkSecurity() throws IOException {
            // the default user is disabled: no command without AUTH, and no AUTH as default, not even with our password
            assertThatThrownBy(() -> {
                try (Jedis j = new Jedis(address, DefaultJedisClientConfig.builder().connectionTimeoutMillis(2000).build())) {
                    j.ping();
                }
            }).isInstanceOf(JedisDataException.class).hasMessageMatching("(?s).*(NOAUTH|WRONGPASS).*");
            assertThatThrownBy(() -> {
                try (Jedis j = new Jedis(address, DefaultJedisClientConfig.builder().user("default").password(password)
                        .connectionTimeoutMillis(2000).build())) {
                    j.ping();
                }
            }).isInstanceOf(JedisDataException.class).hasMessageMatching("(?s).*(NOAUTH|WRONGPASS).*");
            assertThatThrownBy(() -> {
                try (Jedis j = new Jedis(address, DefaultJedisClientConfig.builder().user(user).password("wrong-password")
                        .connectionTimeoutMillis(2000).build())) {
                    j.ping();
                }
            }).isInstanceOf(JedisDataException.class).hasMessageContaining("WRONGPASS");
            try (Jedis j = jedis()) {
                assertThat(j.ping()).isEqualTo("PONG");
                // CONFIG GET may be limited for the application user; where it answers, it must say 127.0.0.1 and AOF
                configGet(j, "bind").ifPresent(bind -> assertThat(bind.trim()).isEqualTo("127.0.0.1"));
                configGet(j, "appendonly").ifPresent(aof -> assertThat(aof).isEqualTo("yes"));
            }
            // AOF persistence, seen on disk: Redis 7 keeps it in appendonlydir (older: *.aof)
            try (Stream<Path> files = Files.walk(Host.instanceDir(id))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as("AOF files under " + Host.instanceDir(id))
                        .anyMatch(n -> n.equals("appendonlydir") || n.endsWith(".aof"));
            }
        }

        @Override
        public long memorySetting() {
            try (Jedis j = jedis()) {
                Map<String, String> maxmemory = j.configGet("maxmemory");
                assertThat(maxmemory).containsKey("maxmemory");
                return Long.parseLong(maxmemory.get("maxmemory"));
            }
        }

        @Override
        public long memoryBytesFor(long memory) {
            return memory;
        }

        private static Optional<String> configGet(Jedis j, String parameter) {
            try {
                return Optional.ofNullable(j.configGet(parameter).get(parameter));
            } catch (JedisDataException e) {
                assertThat(e.getMessage()).as("CONFIG GET %s", parameter).contains("NOPERM");
                return Optional.empty();
            }
        }
    }
}
