package dev.strata.provisioning.driver.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.StorageSize;
import dev.strata.provisioning.config.StrataConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a client that already has a database's connection details sees while the database is provisioned: with
 * real servers (PostgreSQL, MariaDB), a second thread connects with the final credentials as fast as it can while
 * the driver creates the server. Every failure must be "not there yet" (connection refused, starting up), never an
 * authentication or unknown-database error that would send the user hunting for a credentials bug.
 */
@EnabledIf("serversInstalled")
class EarlyClientsTest {

    /**
     * Ports outside the integration tests' ranges and below the kernel's ephemeral range (32768-60999): a client
     * that connects to a port in that range as fast as it can is sooner or later given that very port as its own
     * and connects to itself, and the server then cannot bind it.
     */
    private static final AtomicInteger PORTS = new AtomicInteger(Integer.getInteger("strata.test.ports",
            31000 + (int) (ProcessHandle.current().pid() % 80) * 20)); // at most 32599; -Dstrata.test.ports=N: N and up (about 20)

    private Path dataDir;
    private StrataConfig config;
    private HostAccount account;
    private LocalInstances instances;
    private ServerTemplates templates;
    private ServerCertificates certificates;
    private final List<Runnable> cleanups = new ArrayList<>();

    static boolean serversInstalled() {
        return Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/postgres")) && Files.isExecutable(Path.of("/usr/sbin/mariadbd"));
    }

    @BeforeEach
    void setUp() throws IOException {
        // the servers' account must be able to pass through the data directory's parents (a JUnit @TempDir is 0700)
        dataDir = Files.createTempDirectory(Path.of("/tmp"), "strata-early-clients-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Path dir = dataDir;
        config = new StrataConfig() {
            @Override
            public Path dataDir() {
                return dir;
            }
        };
        account = new HostAccount(config);
        instances = new LocalInstances();
        instances.config = config;
        instances.account = account;
        instances.removals = new DeferredRemovals();
        templates = new ServerTemplates();
        templates.config = config;
        templates.account = account;
        templates.removals = new DeferredRemovals();
        certificates = new ServerCertificates();
        certificates.config = config;
        certificates.instances = instances;
        certificates.account = account;
        certificates.authority = new dev.strata.provisioning.tls.CertificateAuthority(dir.resolve("tls"),
                new dev.strata.provisioning.secrets.SecretBox(new byte[32]));
    }

    @AfterEach
    void tearDown() throws IOException {
        Collections.reverse(cleanups);
        cleanups.forEach(Runnable::run);
        InstanceFiles.deleteRecursively(dataDir);
    }

    // --- PostgreSQL ---

    @Test
    void aNewPostgresDatabaseNeverRefusesItsOwnCredentials() throws Exception {
        PostgresLocalDriver driver = postgres();
        InstanceSpec spec = postgresSpec("db_early_pg");
        List<String> failures = whileProvisioning(() -> ready(driver.ensureRunning(spec)), () -> postgresConnect(spec));
        assertThat(failures).filteredOn(f -> !f.matches("(08001|57P03)/0 .*")).isEmpty();
    }

    @Test
    void aBranchNeverRefusesItsOwnCredentials() throws Exception {
        PostgresLocalDriver driver = postgres();
        InstanceSpec parent = postgresSpec("db_early_parent");
        ready(driver.ensureRunning(parent));
        try (Connection c = postgresConnect(parent); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x int)");
            s.execute("INSERT INTO t VALUES (42)");
        }
        // a branch has its own passwords on its own port; the names are the parent's
        InstanceSpec branch = new InstanceSpec("db_early_branch", "ws_test", null, Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT,
                MemoryQuantity.DEFAULT, new StorageSize(1), null, PORTS.getAndIncrement(), parent.username(), parent.databaseName(),
                "branch-password-" + PORTS.get(), "branch-admin-" + PORTS.get(), false, null);
        cleanups.add(() -> driver.delete(branch));
        List<String> failures = whileProvisioning(() -> {
            driver.cloneFrom(parent, branch, "token-1");
            ready(driver.ensureRunning(branch));
        }, () -> postgresConnect(branch));
        assertThat(failures).filteredOn(f -> !f.matches("(08001|57P03)/0 .*")).isEmpty();
        try (Connection c = postgresConnect(branch); Statement s = c.createStatement(); var rs = s.executeQuery("SELECT x FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void aClusterMadeBeforeStillGetsItsOwnAdminPassword() throws Exception {
        PostgresLocalDriver driver = postgres();
        InstanceSpec spec = postgresSpec("db_early_legacy");
        // how a data directory was made before: the template's files as they are (bootstrap admin password, no
        // application role or database), the setup left to the first connection after the start
        Path inst = instances.prepare(spec);
        driver.ensureRunning(postgresSpec("db_early_template")); // makes the template
        templates.copy(new ServerTemplates.Template(dataDir.resolve("templates/postgresql-15/data"), dataDir.resolve("templates/postgresql-15")),
                inst.resolve("data.init"));
        Files.move(inst.resolve("data.init"), inst.resolve("data"), StandardCopyOption.ATOMIC_MOVE);
        ready(driver.ensureRunning(spec));
        try (Connection c = postgresConnect(spec); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE mine (x int)");
        }
        Properties admin = new Properties();
        admin.setProperty("user", PostgresLocalDriver.ADMIN_USER);
        admin.setProperty("password", spec.adminPassword());
        try (Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + spec.port() + "/postgres", admin)) {
            assertThat(c).isNotNull();
        }
    }

    @Test
    void aFailedOfflineSetUpPutsNothingInPlaceAndTheNextPassCompletesIt() throws Exception {
        PostgresLocalDriver driver = postgres();
        InstanceSpec good = postgresSpec("db_early_retry");
        // a user name the template has already: the single-user backend fails on CREATE ROLE
        InstanceSpec clashing = new InstanceSpec(good.id(), good.workspaceId(), null, good.engine(), good.version(), good.cpu(), good.memory(),
                good.storage(), null, good.port(), PostgresLocalDriver.ADMIN_USER, good.databaseName(), good.password(), good.adminPassword(), false, null);
        InstanceObservation failed = driver.ensureRunning(clashing);
        assertThat(failed.failure()).contains("already exists").doesNotContain(good.password()).doesNotContain(good.adminPassword());
        Path inst = instances.dir(good);
        assertThat(inst.resolve("data")).doesNotExist();
        // what a killed Strata leaves: a half-made scratch copy; the next pass starts it again
        assertThat(inst.resolve("data.init")).exists();
        ready(driver.ensureRunning(good));
        try (Connection c = postgresConnect(good)) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "strata.timing", matches = "\\d+")
    void timingOfANewPostgresDatabase() {
        PostgresLocalDriver driver = postgres();
        ready(driver.ensureRunning(postgresSpec("db_timing_warm"))); // the template is made once
        time("PostgreSQL", i -> ready(driver.ensureRunning(postgresSpec("db_timing_pg" + i))));
    }

    @Test
    void aPostmasterKilledButNotYetReapedLeavesNoLockThatStopsItsRestart() throws Exception {
        PostgresLocalDriver driver = postgres();
        InstanceSpec spec = postgresSpec("db_early_zombie");
        ready(driver.ensureRunning(spec));
        driver.stop(spec);
        // what a SIGKILLed postmaster leaves until the host's init reaps it: its pid file and its socket's lock file,
        // both naming a process that is dead but still exists (a zombie: kill(pid, 0) succeeds, so PostgreSQL itself
        // keeps such a lock and refuses to start)
        // (of the servers' account, as the postmaster was: PostgreSQL takes a process it may not signal for another's)
        List<String> command = new ArrayList<>(List.of("sh", "-c", "sleep 0.1 & echo $!; exec sleep 600"));
        if (ProcessHandle.current().info().user().orElse("").equals("root")) {
            command.addAll(0, List.of("runuser", "-u", account.name(), "--"));
        }
        Process parent = new ProcessBuilder(command).start();
        cleanups.add(() -> parent.descendants().forEach(ProcessHandle::destroyForcibly));
        cleanups.add(parent::destroyForcibly);
        long zombie = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine().trim());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(
                () -> Files.readString(Path.of("/proc", Long.toString(zombie), "stat")).contains(") Z "));
        Path data = dataDir.resolve("instances").resolve(spec.id()).resolve("data");
        Path socketLock = Path.of("/tmp", "strata-" + account.name(), "pg-" + spec.port(), ".s.PGSQL." + spec.port() + ".lock");
        Files.writeString(data.resolve("postmaster.pid"), zombie + "\n" + data + "\n");
        Files.writeString(socketLock, zombie + "\n" + data + "\n");

        ready(driver.ensureRunning(spec));
        try (Connection c = postgresConnect(spec)) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    private PostgresLocalDriver postgres() {
        PostgresLocalDriver driver = new PostgresLocalDriver();
        driver.config = config;
        driver.account = account;
        driver.instances = instances;
        driver.templates = templates;
        driver.certificates = certificates;
        return driver;
    }

    private InstanceSpec postgresSpec(String id) {
        int port = PORTS.getAndIncrement();
        InstanceSpec spec = new InstanceSpec(id, "ws_test", null, Engine.POSTGRESQL, "15", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT,
                new StorageSize(1), null, port, "app_" + port, "appdb_" + port, "app-password-" + port + "-'\"x", "admin-password-" + port, false, null);
        cleanups.add(() -> postgres().delete(spec));
        return spec;
    }

    private static Connection postgresConnect(InstanceSpec spec) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", spec.username());
        p.setProperty("password", spec.password());
        p.setProperty("connectTimeout", "5");
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + spec.port() + "/" + spec.databaseName(), p);
    }

    // --- MariaDB ---

    @Test
    void aNewMariaDbDatabaseNeverRefusesItsOwnCredentials() throws Exception {
        MariaDbLocalDriver driver = mariadb();
        InstanceSpec spec = mariadbSpec("db_early_my");
        List<String> failures = whileProvisioning(() -> ready(driver.ensureRunning(spec)), () -> mariadbConnect(spec));
        assertThat(failures).filteredOn(f -> !notThereYet(f)).isEmpty();
    }

    @Test
    void aMariaDbServerStartedOnRestoredFilesNeverRefusesItsOwnCredentials() throws Exception {
        MariaDbLocalDriver driver = mariadb();
        InstanceSpec source = mariadbSpec("db_early_my_source");
        ready(driver.ensureRunning(source));
        driver.stop(source);
        // a restore into a new database puts the source's files in place (its users, its passwords) and starts them
        InstanceSpec target = mariadbSpec("db_early_my_target");
        Path inst = instances.prepare(target);
        CommandResult copy = account.runAsAccount(List.of("cp", "-a", instances.dir(source).resolve("data").toString(),
                inst.resolve("data").toString()), Duration.ofMinutes(1));
        assertThat(copy.ok()).as(copy.output()).isTrue();
        List<String> failures = whileProvisioning(() -> ready(driver.ensureRunning(target)), () -> mariadbConnect(target));
        assertThat(failures).filteredOn(f -> !notThereYet(f)).isEmpty();
        assertThat(inst.resolve(MariaDbLocalDriver.SETUP_FILE)).doesNotExist();
    }

    /**
     * The user's password is in the statements of the server's {@code --init-file} (every start) and of the set-up
     * a running server is given; none of them reaches the binary log, which is shipped to the backup repository.
     */
    @Test
    void theBinaryLogHoldsNoPasswordAfterAColdCreateARestartAndAPass() throws Exception {
        MariaDbLocalDriver driver = mariadb();
        InstanceSpec spec = mariadbSpec("db_early_my_binlog");
        ready(driver.ensureRunning(spec));
        String secret = "app-password-" + spec.port();
        try (Connection c = mariadbConnect(spec); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x int)"); // the binary log is on: this is in it
        }
        assertThat(binlogEvents(spec)).contains("CREATE TABLE t").doesNotContain(secret).doesNotContainIgnoringCase("IDENTIFIED");

        driver.stop(spec);
        ready(driver.ensureRunning(spec)); // started again: the --init-file runs again
        ready(driver.ensureRunning(spec)); // running and unchanged: the set-up is given over the socket
        assertThat(binlogEvents(spec)).contains("CREATE TABLE t").doesNotContain(secret).doesNotContainIgnoringCase("IDENTIFIED");
    }

    /** Every event of every binary log file of the server (SHOW BINLOG EVENTS alone reads the first file only). */
    private String binlogEvents(InstanceSpec spec) {
        List<String> client = List.of("/usr/bin/mariadb", "--no-defaults", "--socket=" + instances.dir(spec).resolve("mariadbd.sock"),
                "-u", account.name(), "--batch", "--skip-column-names");
        CommandResult logs = account.runAsAccount(client, "SHOW BINARY LOGS;\n", Duration.ofSeconds(30));
        assertThat(logs.ok()).as(logs.output()).isTrue();
        StringBuilder sql = new StringBuilder();
        logs.output().lines().map(l -> l.split("\t")[0]).filter(n -> !n.isBlank())
                .forEach(n -> sql.append("SHOW BINLOG EVENTS IN '").append(n).append("';\n"));
        assertThat(sql).as("the server writes a binary log").isNotEmpty();
        CommandResult events = account.runAsAccount(client, sql.toString(), Duration.ofSeconds(30));
        assertThat(events.ok()).as(events.output()).isTrue();
        return events.output();
    }

    @Test
    @EnabledIfSystemProperty(named = "strata.timing", matches = "\\d+")
    void timingOfANewMariaDbDatabase() {
        MariaDbLocalDriver driver = mariadb();
        ready(driver.ensureRunning(mariadbSpec("db_timing_warm")));
        time("MariaDB", i -> ready(driver.ensureRunning(mariadbSpec("db_timing_my" + i))));
    }

    /**
     * Refused ("Can't connect", the driver's "Socket fail to connect") or, at worst, a handshake cut short; never
     * 1045 (password), 1044/1049 (database), 1130 (host not allowed).
     */
    private static boolean notThereYet(String failure) {
        String f = failure.toLowerCase(Locale.ROOT);
        return !f.matches("[^ ]*/(1044|1045|1049|1130) .*")
                && (f.contains("can't connect") || f.contains("connection refused") || f.contains("socket fail to connect"));
    }

    private MariaDbLocalDriver mariadb() {
        MariaDbLocalDriver driver = new MariaDbLocalDriver();
        driver.config = config;
        driver.account = account;
        driver.instances = instances;
        driver.templates = templates;
        driver.certificates = certificates;
        return driver;
    }

    private InstanceSpec mariadbSpec(String id) {
        int port = PORTS.getAndIncrement();
        InstanceSpec spec = new InstanceSpec(id, "ws_test", null, Engine.MYSQL, "10.11", CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT,
                new StorageSize(1), null, port, "app_" + port, "appdb_" + port, "app-password-" + port + "-'\\x", "admin-password-" + port, false, null);
        cleanups.add(() -> mariadb().delete(spec));
        return spec;
    }

    private static Connection mariadbConnect(InstanceSpec spec) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", spec.username());
        p.setProperty("password", spec.password());
        p.setProperty("connectTimeout", "5000");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + spec.port() + "/" + spec.databaseName(), p);
    }

    // --- the client loop ---

    interface Step {
        void run() throws Exception;
    }

    interface Connect {
        Connection connect() throws SQLException;
    }

    /**
     * Runs {@code provisioning} while another thread connects with {@code connect} as fast as it can until one
     * connection succeeded after the provisioning ended; returns every failure as "SQLState/vendor code message".
     */
    private static List<String> whileProvisioning(Step provisioning, Connect connect) throws Exception {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> loop = client.submit(() -> {
                while (true) {
                    boolean provisioned = done.get();
                    attempts.incrementAndGet();
                    try (Connection c = connect.connect(); Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                        if (provisioned) {
                            return true;
                        }
                    } catch (SQLException e) {
                        failures.add(e.getSQLState() + "/" + e.getErrorCode() + " " + e.getMessage());
                        if (provisioned && failures.size() > 100_000) {
                            return false;
                        }
                    }
                }
            });
            provisioning.run();
            done.set(true);
            assertThat(loop.get(60, TimeUnit.SECONDS)).as("a connection succeeds once the database is provisioned").isTrue();
        } finally {
            done.set(true);
            client.shutdownNow();
        }
        assertThat(attempts.get()).as("the client tried while the database was provisioned").isGreaterThan(1);
        return failures;
    }

    private static void ready(InstanceObservation observed) {
        assertThat(observed.failure()).isNull();
        assertThat(observed.ready()).as(observed.message()).isTrue();
    }

    private static void time(String what, java.util.function.IntConsumer create) {
        int n = Integer.getInteger("strata.timing");
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long started = System.nanoTime();
            create.accept(i);
            ms.add((System.nanoTime() - started) / 1_000_000);
        }
        List<Long> sorted = ms.stream().sorted().toList();
        System.out.println("TIMING " + what + " ensureRunning of a new database (ms): " + ms + " p50 " + sorted.get(n / 2));
    }
}
