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
import dev.strata.provisioning.database.PortAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The warm pool with real PostgreSQL servers: spares are started in the background and hold no user's role, data or
 * password; a spare assigned to a new database accepts the database's credentials at once and becomes its server
 * without a restart; the pool refills; after a restart of Strata no spare is leaked (unassigned ones are removed,
 * one assigned to a committed database is adopted by it).
 */
@EnabledIf("postgresInstalled")
class WarmPoolTest {

    /**
     * Below the kernel's ephemeral ports and outside the ranges of other suites on this machine; {@code
     * -Dstrata.test.ports=<first>} puts them where the machine's user says (ports are taken one after the other).
     */
    private static final AtomicInteger PORTS = new AtomicInteger(Integer.getInteger("strata.test.ports",
            21000 + (int) (ProcessHandle.current().pid() % 40) * 20));

    private Path dataDir;
    private StrataConfig config;
    private HostAccount account;
    private LocalInstances instances;
    private PostgresLocalDriver driver;
    private MariaDbLocalDriver mariadb;
    private RedisLocalDriver redis;
    private ServerCertificates certificates;
    private volatile int poolSize = 1;
    private final List<WarmPool> pools = new ArrayList<>();
    private final List<InstanceSpec> databases = new ArrayList<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    static boolean postgresInstalled() {
        return Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres"));
    }

    @BeforeEach
    void setUp() throws IOException {
        // the servers' account must be able to pass through the data directory's parents (a JUnit @TempDir is 0700)
        dataDir = Files.createTempDirectory(Path.of("/tmp"), "strata-warm-pool-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Path dir = dataDir;
        config = new StrataConfig() {
            @Override
            public Path dataDir() {
                return dir;
            }

            @Override
            public String driver() {
                return "local";
            }

            @Override
            public int warmPoolSize(Engine engine) {
                return poolSize;
            }
        };
        account = new HostAccount(config);
        instances = new LocalInstances();
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
        certificates.authority = new dev.strata.provisioning.tls.CertificateAuthority(dir.resolve("tls"),
                new dev.strata.provisioning.secrets.SecretBox(new byte[32]));
        driver = new PostgresLocalDriver();
        driver.config = config;
        driver.account = account;
        driver.instances = instances;
        driver.templates = templates;
        driver.certificates = certificates;
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
    }

    @AfterEach
    void tearDown() throws IOException {
        background.shutdownNow();
        for (InstanceSpec db : databases) {
            switch (db.engine()) {
                case MYSQL -> mariadb.delete(db);
                case REDIS -> redis.delete(db);
                default -> driver.delete(db);
            }
        }
        // every spare left: what the pool's sweep does with spares that are no one's
        poolSize = 0;
        newPool().sweep(Set.of());
        InstanceFiles.deleteRecursively(dataDir);
    }

    /** A pool as Strata makes one at start (nothing in memory), over the same data directory. */
    private WarmPool newPool() {
        return newPool(Engine.POSTGRESQL);
    }

    /** A pool of {@code engine}'s spares only. */
    private WarmPool newPool(Engine only) {
        WarmPool pool = new WarmPool() {
            @Override
            Optional<Target> target(Engine engine) {
                if (engine != only) {
                    return Optional.empty();
                }
                return switch (engine) {
                    case POSTGRESQL -> Optional.of(new Target(driver, "15"));
                    case MYSQL -> Optional.of(new Target(mariadb, mariadbVersion()));
                    case REDIS -> Optional.of(new Target(redis, redisVersion()));
                    default -> Optional.empty();
                };
            }
        };
        pool.config = config;
        pool.instances = instances;
        pool.ports = new PortAllocator() {
            @Override
            public synchronized int allocate() {
                return PORTS.getAndIncrement();
            }
        };
        pools.add(pool);
        return pool;
    }

    private InstanceSpec awaitSpare(WarmPool pool, Set<Integer> databasePorts) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            pool.maintain(databasePorts, background);
            return !pool.freeSpares().isEmpty();
        });
        return pool.freeSpares().get(0);
    }

    private InstanceSpec database(String id, int port) {
        InstanceSpec spec = new InstanceSpec(id, "ws_test", null, Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT,
                StorageSize.DEFAULT, null, port, "app_" + port, "appdb_" + port, "app-password-" + port + "-'\"x", "admin-password-" + port, false, null);
        databases.add(spec);
        return spec;
    }

    @Test
    void aFullPortRangeIsLookedAtAgainAfterAPauseNotAtEveryPass() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        WarmPool pool = newPool();
        pool.ports = new PortAllocator() {
            @Override
            public synchronized int allocate() {
                asked.incrementAndGet();
                throw new dev.strata.domain.shared.UnprocessableException("no free port left in STRATA_PORT_RANGE 20000-20001");
            }
        };
        pool.maintain(Set.of(), background);
        background.submit(() -> { }).get(); // the pool's start of a spare has run (one thread, in order)
        pool.maintain(Set.of(), background);
        background.submit(() -> { }).get();

        assertThat(asked).hasValue(1);
        assertThat(pool.freeSpares()).isEmpty();
    }

    @Test
    void aSpareIsStartedInTheBackgroundAndHoldsNoUserRoleOrData() throws Exception {
        WarmPool pool = newPool();
        InstanceSpec spare = awaitSpare(pool, Set.of());

        assertThat(instances.dir(spare)).isEqualTo(dataDir.resolve("spares").resolve("spare-postgresql-15-" + spare.port()));
        assertThat(driver.alive(spare)).isTrue();
        assertThat(dataDir.resolve("instances")).doesNotExist();
        try (Connection c = connect(spare.port(), PostgresLocalDriver.ADMIN_USER, spare.adminPassword(), "postgres"); Statement s = c.createStatement()) {
            // the only role that can log in is Strata's; the spare's owner role has no login and no password
            assertThat(strings(s, "SELECT rolname FROM pg_roles WHERE rolcanlogin")).containsExactly(PostgresLocalDriver.ADMIN_USER);
            assertThat(strings(s, "SELECT rolname || ':' || coalesce(rolpassword, 'none') FROM pg_authid WHERE rolname NOT LIKE 'pg\\_%'"
                    + " AND rolname <> '" + PostgresLocalDriver.ADMIN_USER + "'")).containsExactly(PostgresLocalDriver.SPARE_OWNER + ":none");
            assertThat(strings(s, "SELECT datname FROM pg_database ORDER BY datname"))
                    .containsExactly("postgres", PostgresLocalDriver.SPARE_OWNER, "template0", "template1");
        }
        try (Connection c = connect(spare.port(), PostgresLocalDriver.ADMIN_USER, spare.adminPassword(), PostgresLocalDriver.SPARE_OWNER);
             Statement s = c.createStatement()) {
            assertThat(strings(s, "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")).isEmpty();
        }
    }

    @Test
    void anAssignedSpareTakesTheDatabasesCredentialsAndBecomesItsServerWithoutARestart() throws Exception {
        WarmPool pool = newPool();
        InstanceSpec spare = awaitSpare(pool, Set.of());
        Long sparePid = new PostgresCluster(account, Path.of("/usr/lib/postgresql/15/bin"), instances.dir(spare).resolve("data"),
                instances.dir(spare).resolve("server.log")).runningPid();

        InstanceSpec[] made = new InstanceSpec[1];
        OptionalInt port = pool.assign(Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> made[0] = database("db_pooled", p));
        assertThat(port).hasValue(spare.port());
        InstanceSpec db = made[0];

        // the credentials work before the database's first reconcile: its port is published only now
        try (Connection c = connect(db.port(), db.username(), db.password(), db.databaseName()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x int)");
            s.execute("INSERT INTO t VALUES (7)");
        }
        assertThatThrownBy(() -> connect(db.port(), PostgresLocalDriver.ADMIN_USER, spare.adminPassword(), "postgres").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");

        InstanceObservation observed = driver.ensureRunning(db);
        assertThat(observed.ready()).as(String.valueOf(observed.failure())).isTrue();
        Path inst = dataDir.resolve("instances").resolve("db_pooled");
        assertThat(inst.resolve("data/PG_VERSION")).exists();
        assertThat(inst.resolve(LocalInstances.ASSIGNED)).doesNotExist();
        assertThat(instances.dir(spare)).isSymbolicLink();
        assertThat(instances.dir(spare).toRealPath()).isEqualTo(inst.toRealPath());
        Long pid = new PostgresCluster(account, Path.of("/usr/lib/postgresql/15/bin"), inst.resolve("data"), inst.resolve("server.log")).runningPid();
        assertThat(pid).isEqualTo(sparePid);
        // the running server re-read its settings: paths of the database's own directory
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Connection c = connect(db.port(), PostgresLocalDriver.ADMIN_USER, db.adminPassword(), "postgres"); Statement s = c.createStatement()) {
                assertThat(strings(s, "SHOW archive_command").get(0)).contains(inst.toString()).doesNotContain("spares");
            }
        });
        try (Connection c = connect(db.port(), db.username(), db.password(), db.databaseName()); Statement s = c.createStatement()) {
            assertThat(strings(s, "SELECT x::text FROM t")).containsExactly("7");
            assertThat(strings(s, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")).containsExactly(db.username());
        }
        // a second pass is an ordinary one: nothing restarts
        assertThat(driver.ensureRunning(db).ready()).isTrue();
        assertThat(driver.alive(db)).isTrue();
    }

    @Test
    void thePoolRefillsInTheBackground() {
        WarmPool pool = newPool();
        InstanceSpec first = awaitSpare(pool, Set.of());
        assertThat(pool.assign(Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> database("db_refill", p))).hasValue(first.port());
        assertThat(pool.freeSpares()).isEmpty();

        InstanceSpec next = awaitSpare(pool, Set.of(first.port()));
        assertThat(next.port()).isNotEqualTo(first.port());
        assertThat(next.adminPassword()).isNotEqualTo(first.adminPassword());
        assertThat(driver.alive(next)).isTrue();
        // a database of another size is not given a spare (its server's memory and threads are set at start)
        assertThat(pool.assign(Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.parse("1Gi"), p -> database("db_big", p))).isEmpty();
        assertThat(pool.assign(Engine.POSTGRESQL, "15", CpuQuantity.parse("2"), MemoryQuantity.DEFAULT, p -> database("db_cores", p))).isEmpty();
        assertThat(pool.freeSpares()).hasSize(1);
    }

    @Test
    void aSpareThatCannotTakeTheUsersIsThrownAwayAndNothingIsPublished() {
        WarmPool pool = newPool();
        InstanceSpec spare = awaitSpare(pool, Set.of());
        // a user name the spare has already: the rename fails; the create then allocates a port of its own
        OptionalInt port = pool.assign(Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> new InstanceSpec("db_clash", "ws_test", null,
                Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, StorageSize.DEFAULT, null, p, PostgresLocalDriver.ADMIN_USER,
                "appdb", "pw-clash", "admin-clash", false, null));
        assertThat(port).isEmpty();
        assertThat(instances.dir(spare)).doesNotExist();
        assertThat(driver.alive(spare)).isFalse();
    }

    @Test
    void sparesAreNotLeakedWhenStrataRestarts() throws Exception {
        poolSize = 3;
        WarmPool before = newPool();
        awaitSpare(before, Set.of());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            before.maintain(Set.of(), background);
            return before.freeSpares().size() == 3;
        });
        // one spare assigned to a database whose create committed, one to a create that rolled back, one free
        InstanceSpec[] committed = new InstanceSpec[1];
        int committedPort = before.assign(Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> committed[0] = database("db_committed", p)).orElseThrow();
        int rolledBackPort = before.assign(Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> database("db_rolled_back", p)).orElseThrow();
        assertThat(before.freeSpares()).hasSize(1);
        InstanceSpec unassigned = before.freeSpares().get(0);
        background.shutdown();
        await().atMost(Duration.ofSeconds(90)).until(background::isTerminated);

        // Strata restarts: a new pool, nothing in memory; the metadata database has the committed database's port
        poolSize = 1;
        WarmPool after = newPool();
        after.sweep(Set.of(committedPort));
        Path spares = dataDir.resolve("spares");
        try (var left = Files.list(spares)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList())
                    .containsExactly(LocalInstances.spareId(Engine.POSTGRESQL, "15", committedPort));
        }
        assertThat(driver.alive(unassigned)).isFalse();
        assertThat(HostProcesses.of(spares.resolve(LocalInstances.spareId(Engine.POSTGRESQL, "15", rolledBackPort)))).isEmpty();
        assertThat(after.freeSpares()).isEmpty();

        // the committed database's reconcile adopts its spare
        InstanceObservation observed = driver.ensureRunning(committed[0]);
        assertThat(observed.ready()).as(String.valueOf(observed.failure())).isTrue();
        try (Connection c = connect(committedPort, committed[0].username(), committed[0].password(), committed[0].databaseName())) {
            assertThat(c.isValid(5)).isTrue();
        }
        // its former path is a link to its directory (the server knows its files by it) and goes with the database
        Path former = spares.resolve(LocalInstances.spareId(Engine.POSTGRESQL, "15", committedPort));
        assertThat(former).isSymbolicLink();
        after.sweep(Set.of(committedPort));
        assertThat(former).isSymbolicLink();
        assertThat(driver.alive(committed[0])).isTrue();
        driver.delete(committed[0]);
        try (var left = Files.list(spares)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void aSpareAssignedToACreateThatRolledBackIsNeverAnotherDatabasesServer() throws Exception {
        WarmPool pool = newPool();
        InstanceSpec spare = awaitSpare(pool, Set.of());
        int port = pool.assign(Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> new InstanceSpec("db_rolled_back", "ws_test", null,
                Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, StorageSize.DEFAULT, null, p, "app_gone", "appdb_gone",
                "gone-password", "gone-admin", false, null)).orElseThrow();
        // its server stopped (./strata stop-databases), so the port is free again and handed to a new database
        driver.stop(spare);
        InstanceSpec other = database("db_same_port", port);
        InstanceObservation observed = driver.ensureRunning(other);
        assertThat(observed.ready()).as(String.valueOf(observed.failure())).isTrue();
        assertThat(instances.dir(spare)).isDirectory().isNotEqualTo(instances.dir(other));
        try (Connection c = connect(port, other.username(), other.password(), other.databaseName()); Statement s = c.createStatement()) {
            assertThat(strings(s, "SELECT rolname FROM pg_roles WHERE rolname = 'app_gone'")).isEmpty();
        }
    }

    @Test
    void aDatabaseDeletedBeforeItsFirstReconcileTakesItsSpareWithIt() throws Exception {
        WarmPool pool = newPool();
        InstanceSpec spare = awaitSpare(pool, Set.of());
        InstanceSpec[] made = new InstanceSpec[1];
        pool.assign(Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> made[0] = database("db_gone", p)).orElseThrow();
        driver.delete(made[0]);
        assertThat(instances.dir(spare)).doesNotExist();
        assertThat(dataDir.resolve("instances/db_gone")).doesNotExist();
        assertThat(driver.alive(made[0])).isFalse();
    }

    /**
     * Not a check, a measurement (asserts no time): {@code -Dstrata.timing=n} prints n pairs of a cold create and a
     * pooled one (assign, then the first reconcile's adoption until ready) made back to back, with the load average.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "strata.timing", matches = "\\d+")
    void timingOfColdAndPooledPostgresDatabases() {
        timing(Engine.POSTGRESQL, "15", driver, (id, p) -> database(id, p.port()));
    }

    /** As {@link #timingOfColdAndPooledPostgresDatabases} for MariaDB. */
    @Test
    @EnabledIf("mariadbInstalled")
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "strata.timing", matches = "\\d+")
    void timingOfColdAndPooledMariaDbDatabases() {
        timing(Engine.MYSQL, mariadbVersion(), mariadb, (id, p) -> mariadbDatabase(id, p.port()));
    }

    /** As {@link #timingOfColdAndPooledPostgresDatabases} for Redis. */
    @Test
    @EnabledIf("redisInstalled")
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "strata.timing", matches = "\\d+")
    void timingOfColdAndPooledRedisDatabases() {
        timing(Engine.REDIS, redisVersion(), redis, (id, p) -> redisDatabase(id, p.port(), p.tlsPort()));
    }

    private void timing(Engine engine, String version, dev.strata.domain.database.EngineDriver d,
                        java.util.function.BiFunction<String, WarmPool.Ports, InstanceSpec> database) {
        int n = Integer.getInteger("strata.timing");
        WarmPool pool = newPool(engine);
        awaitSpare(pool, Set.of());
        ready(d.ensureRunning(database.apply(engine.wireName() + "_cold_first", coldPorts(d))));
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            ready(d.ensureRunning(database.apply("db_cold_" + i, coldPorts(d))));
            long cold = System.nanoTime() - t0;
            awaitSpare(pool, Set.of());
            InstanceSpec[] made = new InstanceSpec[1];
            long t1 = System.nanoTime();
            String warmId = "db_warm_" + i;
            pool.take(engine, version, CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> made[0] = database.apply(warmId, p)).orElseThrow();
            long t2 = System.nanoTime();
            ready(d.ensureRunning(made[0]));
            long t3 = System.nanoTime();
            System.out.printf("TIMING %s cold %d ms | assign %d ms, adopt+ready %d ms, total %d ms | load %s%n", engine.wireName(), cold / 1_000_000,
                    (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t3 - t1) / 1_000_000, loadAvg());
        }
    }

    private static WarmPool.Ports coldPorts(dev.strata.domain.database.EngineDriver d) {
        return new WarmPool.Ports(PORTS.getAndIncrement(), d.needsTlsPort() ? PORTS.getAndIncrement() : null);
    }

    private static String loadAvg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void ready(InstanceObservation o) {
        assertThat(o.ready()).as(String.valueOf(o.failure())).isTrue();
    }

    @Test
    @EnabledIf("mariadbInstalled")
    void aMariaDbSpareHoldsNoUserAndBecomesTheDatabasesServerWithoutARestart() throws Exception {
        WarmPool pool = newPool(Engine.MYSQL);
        InstanceSpec spare = awaitSpare(pool, Set.of());
        assertThat(spare.engine()).isEqualTo(Engine.MYSQL);
        Path spareDir = instances.dir(spare);
        long sparePid = Long.parseLong(Files.readString(spareDir.resolve("mariadbd.pid")).trim());
        // no user but MariaDB's own accounts and Strata's (root over the socket as the servers' account; the spare's
        // admin from the loopback address, with the spare's password), no database but the system ones
        String users = "SELECT concat(user, '@', host) FROM mysql.user WHERE user NOT IN ('root', 'mysql', 'mariadb.sys', '', '" + account.name() + "');\n";
        CommandResult spareUsers = account.runAsAccount(List.of("/usr/bin/mariadb", "--no-defaults", "--socket=" + spareDir.resolve("mariadbd.sock"),
                "-u", account.name(), "--batch", "--skip-column-names"), users + "SHOW DATABASES;\n", Duration.ofSeconds(30));
        assertThat(spareUsers.ok()).as(spareUsers.output()).isTrue();
        assertThat(spareUsers.output().lines().toList()).containsExactlyInAnyOrder(MariaDbLocalDriver.SPARE_ADMIN + "@127.0.0.1",
                "information_schema", "mysql", "performance_schema", "sys");
        // nothing of it in the binary log (which is shipped to the backup repository)
        CommandResult binlog = account.runAsAccount(List.of("/usr/bin/mariadb", "--no-defaults", "--socket=" + spareDir.resolve("mariadbd.sock"),
                "-u", account.name(), "--batch", "--skip-column-names"), "SHOW BINLOG EVENTS;\n", Duration.ofSeconds(30));
        assertThat(binlog.output()).doesNotContain(MariaDbLocalDriver.SPARE_ADMIN);

        InstanceSpec[] made = new InstanceSpec[1];
        OptionalInt port = pool.assign(Engine.MYSQL, mariadbVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> made[0] = mariadbDatabase("db_pooled_my", p));
        assertThat(port).hasValue(spare.port());
        InstanceSpec db = made[0];
        try (Connection c = mariadbConnect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x int)");
            s.execute("INSERT INTO t VALUES (9)");
        }
        // the spare's admin is gone: its password opens nothing; the users are a cold create's
        Properties spareAdmin = new Properties();
        spareAdmin.setProperty("user", MariaDbLocalDriver.SPARE_ADMIN);
        spareAdmin.setProperty("password", spare.adminPassword());
        assertThatThrownBy(() -> new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + spare.port() + "/", spareAdmin).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        CommandResult assigned = account.runAsAccount(List.of("/usr/bin/mariadb", "--no-defaults", "--socket=" + spareDir.resolve("mariadbd.sock"),
                "-u", account.name(), "--batch", "--skip-column-names"), users, Duration.ofSeconds(30));
        assertThat(assigned.output().lines().toList()).containsExactly(db.username() + "@%");
        CommandResult events = account.runAsAccount(List.of("/usr/bin/mariadb", "--no-defaults", "--socket=" + spareDir.resolve("mariadbd.sock"),
                "-u", account.name(), "--batch", "--skip-column-names"), "SHOW BINLOG EVENTS;\n", Duration.ofSeconds(30));
        assertThat(events.ok()).as(events.output()).isTrue();
        assertThat(events.output()).doesNotContain(MariaDbLocalDriver.SPARE_ADMIN).doesNotContain(db.password());
        InstanceObservation observed = mariadb.ensureRunning(db);
        assertThat(observed.ready()).as(String.valueOf(observed.failure())).isTrue();
        Path inst = dataDir.resolve("instances").resolve("db_pooled_my");
        assertThat(Long.parseLong(Files.readString(inst.resolve("mariadbd.pid")).trim())).isEqualTo(sparePid);
        assertThat(Files.readString(inst.resolve("my.cnf"))).contains(inst.toString()).doesNotContain("spares");
        assertThat(inst.resolve(LocalInstances.ASSIGNED)).doesNotExist();
        try (Connection c = mariadbConnect(db); Statement s = c.createStatement()) {
            assertThat(strings(s, "SELECT x FROM t")).containsExactly("9");
        }
        // the server's own files (socket, binary log) still work through the spare's former path
        assertThat(mariadb.ensureRunning(db).ready()).isTrue();
        mariadb.delete(db);
        assertThat(spareDir).doesNotExist();
        assertThat(HostProcesses.read(sparePid)).isNull();
    }

    // --- Redis ---

    @Test
    @EnabledIf("redisInstalled")
    void aRedisSpareHoldsNoUserPasswordOrDataAndBecomesTheDatabasesServerWithoutARestart() throws Exception {
        WarmPool pool = newPool(Engine.REDIS);
        InstanceSpec spare = awaitSpare(pool, Set.of());
        assertThat(spare.engine()).isEqualTo(Engine.REDIS);
        Path spareDir = instances.dir(spare);
        assertThat(spareDir).isEqualTo(dataDir.resolve("spares").resolve("spare-redis-" + redisVersion() + "-" + spare.port()));
        assertThat(dataDir.resolve("instances")).doesNotExist();
        // TLS is on (prefer): like a database, the spare serves TLS on a port of its own, which its database will have
        assertThat(spare.tlsPort()).isNotNull();
        assertThat(Resp.ping("127.0.0.1", spare.tlsPort(), RedisLocalDriver.ADMIN_USER, spare.adminPassword(), tls())).isNull();
        long sparePid = redis.serverPid(spare);
        // its only users: the default one (off) and Strata's admin with the spare's own password; no key
        assertThat(redisCli(spare.port(), RedisLocalDriver.ADMIN_USER, spare.adminPassword(), "ACL", "USERS"))
                .containsExactlyInAnyOrder("default", RedisLocalDriver.ADMIN_USER);
        assertThat(redisCli(spare.port(), RedisLocalDriver.ADMIN_USER, spare.adminPassword(), "DBSIZE")).containsExactly("0");
        assertThat(Resp.ping("127.0.0.1", spare.port(), PostgresLocalDriver.SPARE_OWNER, spare.password())).contains("WRONGPASS");
        assertThat(Files.readString(spareDir.resolve("redis.conf"))).doesNotContain(PostgresLocalDriver.SPARE_OWNER).doesNotContain(spare.password());

        InstanceSpec[] made = new InstanceSpec[1];
        Optional<WarmPool.Ports> ports = pool.take(Engine.REDIS, redisVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT,
                p -> made[0] = redisDatabase("db_pooled_redis", p.port(), p.tlsPort()));
        assertThat(ports).contains(new WarmPool.Ports(spare.port(), spare.tlsPort()));
        InstanceSpec db = made[0];
        assertThat(db.tlsPort()).isEqualTo(spare.tlsPort());

        // the database's credentials work on both ports before its first reconcile: its ports are published only now
        assertThat(Resp.ping("127.0.0.1", db.port(), db.username(), db.password())).isNull();
        assertThat(Resp.ping("127.0.0.1", db.tlsPort(), db.username(), db.password(), tls())).isNull();
        assertThat(Resp.call("127.0.0.1", db.port(), db.username(), db.password(), null, "SET", "k", "v")).isEqualTo("+OK");
        assertThat(Resp.call("127.0.0.1", db.port(), db.username(), db.password(), null, "CONFIG", "SET", "maxmemory", "1")).startsWith("-NOPERM");
        // the spare's admin password is gone; the database's admin password is Strata's now
        assertThat(Resp.ping("127.0.0.1", db.port(), RedisLocalDriver.ADMIN_USER, spare.adminPassword())).contains("WRONGPASS");
        assertThat(redisCli(db.port(), RedisLocalDriver.ADMIN_USER, db.adminPassword(), "CONFIG", "GET", "maxmemory"))
                .containsExactly("maxmemory", String.valueOf(db.memory().bytes()));
        assertThat(redisCli(db.port(), RedisLocalDriver.ADMIN_USER, db.adminPassword(), "ACL", "USERS"))
                .containsExactlyInAnyOrder("default", RedisLocalDriver.ADMIN_USER, db.username());
        // the user is exactly what a cold create's redis.conf makes: the same line as after the restart below
        List<String> assignedAcl = redisCli(db.port(), RedisLocalDriver.ADMIN_USER, db.adminPassword(), "ACL", "LIST");
        assertThat(assignedAcl).anySatisfy(l -> assertThat(l).startsWith("user " + db.username() + " on #").endsWith(" ~* &* +@all -@admin +config|get"));

        InstanceObservation observed = redis.ensureRunning(db);
        assertThat(observed.ready()).as(String.valueOf(observed.failure())).isTrue();
        Path inst = dataDir.resolve("instances").resolve("db_pooled_redis");
        assertThat(redis.serverPid(db)).isEqualTo(sparePid);
        assertThat(inst.resolve(LocalInstances.ASSIGNED)).doesNotExist();
        assertThat(spareDir).isSymbolicLink();
        assertThat(spareDir.toRealPath()).isEqualTo(inst.toRealPath());
        // the database's settings, for the server's next start: its paths, its user and passwords, nothing of the spare's
        assertThat(Files.readString(inst.resolve("redis.conf"))).contains(inst.toString()).doesNotContain("spares")
                .contains("user " + db.username() + " on >").doesNotContain(spare.adminPassword()).contains("tls-port " + db.tlsPort());
        assertThat(Resp.call("127.0.0.1", db.port(), db.username(), db.password(), null, "EXISTS", "k")).isEqualTo(":1");
        // a second pass is an ordinary one: nothing restarts
        assertThat(redis.ensureRunning(db).ready()).isTrue();
        assertThat(redis.serverPid(db)).isEqualTo(sparePid);

        // started again from the database's own files: same credentials, same data, no trace of the spare
        assertThat(redis.stop(db).failure()).isNull();
        observed = redis.ensureRunning(db);
        assertThat(observed.ready()).as(String.valueOf(observed.failure())).isTrue();
        assertThat(redis.serverPid(db)).isNotEqualTo(sparePid);
        assertThat(Resp.call("127.0.0.1", db.port(), db.username(), db.password(), null, "EXISTS", "k")).isEqualTo(":1");
        assertThat(Resp.ping("127.0.0.1", db.tlsPort(), db.username(), db.password(), tls())).isNull();
        assertThat(Resp.ping("127.0.0.1", db.port(), RedisLocalDriver.ADMIN_USER, spare.adminPassword())).contains("WRONGPASS");
        assertThat(redisCli(db.port(), RedisLocalDriver.ADMIN_USER, db.adminPassword(), "ACL", "LIST")).isEqualTo(assignedAcl);

        long pid = redis.serverPid(db);
        redis.delete(db);
        assertThat(spareDir).doesNotExist();
        assertThat(HostProcesses.read(pid)).isNull();
    }

    @Test
    @EnabledIf("redisInstalled")
    void aRedisSpareThatCannotTakeTheUserIsThrownAwayAndNothingIsPublished() {
        WarmPool pool = newPool(Engine.REDIS);
        InstanceSpec spare = awaitSpare(pool, Set.of());
        // Strata's own user name: the spare refuses it; the create then allocates ports of its own
        Optional<WarmPool.Ports> ports = pool.take(Engine.REDIS, redisVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> new InstanceSpec(
                "db_clash_redis", "ws_test", null, Engine.REDIS, redisVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, StorageSize.DEFAULT, null,
                p.port(), RedisLocalDriver.ADMIN_USER, "0", "pw-clash", "admin-clash", false, p.tlsPort()));
        assertThat(ports).isEmpty();
        assertThat(instances.dir(spare)).doesNotExist();
        assertThat(redis.alive(spare)).isFalse();
        assertThat(pool.freeSpares()).isEmpty();
    }

    @Test
    @EnabledIf("redisInstalled")
    void redisSparesAreNotLeakedNorHandedOutTwiceWhenStrataRestarts() throws Exception {
        poolSize = 3;
        WarmPool before = newPool(Engine.REDIS);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            before.maintain(Set.of(), background);
            return before.freeSpares().size() == 3;
        });
        // one spare assigned to a database whose create committed, one to a create that rolled back, one free
        InstanceSpec[] committed = new InstanceSpec[1];
        WarmPool.Ports committedPorts = before.take(Engine.REDIS, redisVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT,
                p -> committed[0] = redisDatabase("db_committed_redis", p.port(), p.tlsPort())).orElseThrow();
        WarmPool.Ports rolledBack = before.take(Engine.REDIS, redisVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT,
                p -> redisDatabase("db_rolled_back_redis", p.port(), p.tlsPort())).orElseThrow();
        assertThat(before.freeSpares()).hasSize(1);
        InstanceSpec unassigned = before.freeSpares().get(0);
        background.shutdown();
        await().atMost(Duration.ofSeconds(90)).until(background::isTerminated);

        // Strata restarts: a new pool, nothing in memory; the metadata database has the committed database's ports
        poolSize = 1;
        WarmPool after = newPool(Engine.REDIS);
        after.sweep(Set.of(committedPorts.port(), committedPorts.tlsPort()));
        Path spares = dataDir.resolve("spares");
        String committedSpare = LocalInstances.spareId(Engine.REDIS, redisVersion(), committedPorts.port());
        try (var left = Files.list(spares)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly(committedSpare);
        }
        assertThat(redis.alive(unassigned)).isFalse();
        assertThat(HostProcesses.of(spares.resolve(LocalInstances.spareId(Engine.REDIS, redisVersion(), rolledBack.port())))).isEmpty();
        assertThat(Resp.ping("127.0.0.1", rolledBack.port(), "x", "y")).isNotNull(); // nothing listens there any more
        assertThat(after.freeSpares()).isEmpty();
        assertThat(after.take(Engine.REDIS, redisVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, p -> redisDatabase("db_second", p.port(),
                p.tlsPort()))).isEmpty();

        // the committed database's reconcile adopts its spare, with its ports
        InstanceObservation observed = redis.ensureRunning(committed[0]);
        assertThat(observed.ready()).as(String.valueOf(observed.failure())).isTrue();
        assertThat(Resp.ping("127.0.0.1", committedPorts.tlsPort(), committed[0].username(), committed[0].password(), tls())).isNull();
        assertThat(spares.resolve(committedSpare)).isSymbolicLink();
        after.sweep(Set.of(committedPorts.port(), committedPorts.tlsPort()));
        assertThat(redis.alive(committed[0])).isTrue();
        redis.delete(committed[0]);
        try (var left = Files.list(spares)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    static boolean redisInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server"));
    }

    private String redisVersion() {
        return redis.offers().get(0).defaultVersion();
    }

    private InstanceSpec redisDatabase(String id, int port, Integer tlsPort) {
        InstanceSpec spec = new InstanceSpec(id, "ws_test", null, Engine.REDIS, redisVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT,
                StorageSize.DEFAULT, null, port, "app_" + port, "0", "redis-password-" + port, "redis-admin-" + port, false, tlsPort);
        databases.add(spec);
        return spec;
    }

    private javax.net.ssl.SSLSocketFactory tls() {
        return certificates.clientContext().getSocketFactory();
    }

    /** redis-cli's answer lines (its password from the environment, never argv). */
    private List<String> redisCli(int port, String user, String password, String... command) {
        List<String> cli = new ArrayList<>(List.of("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port), "--user", user, "--no-auth-warning"));
        cli.addAll(List.of(command));
        CommandResult r = account.runAsAccount(cli, "", Duration.ofSeconds(30), java.util.Map.of("REDISCLI_AUTH", password));
        assertThat(r.ok()).as(r.output()).isTrue();
        return r.output().lines().toList();
    }

    static boolean mariadbInstalled() {
        return Files.isExecutable(Path.of("/usr/sbin/mariadbd"));
    }

    private String mariadbVersion() {
        return mariadb.offers().get(0).defaultVersion();
    }

    private InstanceSpec mariadbDatabase(String id, int port) {
        InstanceSpec spec = new InstanceSpec(id, "ws_test", null, Engine.MYSQL, mariadbVersion(), CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT,
                StorageSize.DEFAULT, null, port, "app_" + port, "appdb_" + port, "my-password-" + port + "-'\"x", "my-admin-" + port, false, null);
        databases.add(spec);
        return spec;
    }

    private static Connection mariadbConnect(InstanceSpec spec) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", spec.username());
        p.setProperty("password", spec.password());
        p.setProperty("connectTimeout", "5000");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + spec.port() + "/" + spec.databaseName(), p);
    }

    private static Connection connect(int port, String user, String password, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslmode", "disable");
        p.setProperty("connectTimeout", "5");
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
