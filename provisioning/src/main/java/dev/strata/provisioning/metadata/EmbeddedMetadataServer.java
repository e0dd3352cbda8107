package dev.strata.provisioning.metadata;

import dev.strata.provisioning.config.PortRange;
import dev.strata.provisioning.config.Settings;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.local.CommandResult;
import dev.strata.provisioning.driver.local.HostAccount;
import dev.strata.provisioning.driver.local.PostgresCluster;
import dev.strata.provisioning.secrets.SecretBox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The default metadata database: a PostgreSQL server that Strata runs itself in {@code $STRATA_DATA_DIR/metadata-server}
 * (data directory {@code data/}, log {@code server.log}), listening on 127.0.0.1 only, with PostgreSQL's durable
 * defaults ({@code fsync}, {@code synchronous_commit}): a change the API acknowledged is on disk, and survives a
 * crash of Strata, of the server or of the machine. The same engine as the production setting
 * ({@code STRATA_DB_URL}), so one SQL dialect is tested for both.
 *
 * <p>Created on first use ({@code initdb} into a scratch directory renamed into place), started (or adopted, when it
 * outlived a Strata that was killed) whenever the pool needs a new connection. Its superuser {@code strata} has a
 * generated password kept in {@code $STRATA_DATA_DIR/metadata-server.password} (0600); the port is
 * {@code STRATA_METADATA_PORT}, else the one chosen at creation (the first free port below {@code STRATA_PORT_RANGE}),
 * kept in the server's settings file.
 */
final class EmbeddedMetadataServer {

    private static final Logger LOG = Logger.getLogger(EmbeddedMetadataServer.class.getName());
    static final String USER = "strata";
    static final String DATABASE = "strata";
    private static final String SETTINGS = "strata.conf";
    private static final Pattern PORT = Pattern.compile("(?m)^port = (\\d+)$");

    private static EmbeddedMetadataServer instance;

    private final StrataConfig config = new StrataConfig();
    private final HostAccount account = new HostAccount(config);
    private final Path dir;
    private final Path passwordFile;
    private final PostgresCluster cluster;
    private volatile boolean databaseEnsured;

    private EmbeddedMetadataServer(Path dataDir) {
        this.dir = dataDir.resolve("metadata-server");
        this.passwordFile = dataDir.resolve("metadata-server.password");
        this.cluster = new PostgresCluster(account, binDir(dir.resolve("data")), dir.resolve("data"), dir.resolve("server.log"));
    }

    /** The server of this data directory, running. */
    static synchronized EmbeddedMetadataServer running() {
        if (instance == null) {
            instance = new EmbeddedMetadataServer(Settings.dataDir());
        }
        instance.ensureRunning();
        return instance;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    String password() {
        try {
            return Files.readString(passwordFile).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + passwordFile + ": " + e.getMessage(), e);
        }
    }

    /** Creates the server if there is none, starts it unless it runs; cheap when it runs. */
    synchronized void ensureRunning() {
        if (cluster.runningPid() != null && databaseEnsured) {
            return;
        }
        try {
            account.ensure();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!account.owns(dir)) {
                account.own(dir);
            }
            if (!cluster.initialised()) {
                initialise();
            }
            writeSettings();
            long started = System.nanoTime();
            boolean wasRunning = cluster.runningPid() != null;
            waitUntilNotBusy();
            cluster.start();
            if (!wasRunning) {
                LOG.info(() -> "metadata server started on 127.0.0.1:" + port() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms ("
                        + cluster.data() + ")");
            }
            ensureDatabase();
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("the metadata server in " + dir + " cannot start: " + e.getMessage(), e);
        }
    }

    /** A {@code pg_ctl} of a Strata that was killed may still be at work on the server: let it finish first. */
    private void waitUntilNotBusy() {
        long until = System.currentTimeMillis() + 90_000;
        String busy;
        while ((busy = cluster.busy()) != null) {
            if (System.currentTimeMillis() > until) {
                throw new IllegalStateException(busy);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the metadata server", e);
            }
        }
    }

    /** initdb into a scratch directory, renamed into place once complete (a crash never leaves half a cluster in use). */
    private void initialise() throws IOException {
        if (!Files.exists(passwordFile)) {
            Path tmp = passwordFile.resolveSibling(passwordFile.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, SecretBox.randomPassword(32) + "\n");
            Files.move(tmp, passwordFile, StandardCopyOption.ATOMIC_MOVE);
        }
        Path scratch = dir.resolve("data.init");
        Path pwfile = dir.resolve("initdb.pw");
        deleteTree(scratch);
        Files.deleteIfExists(pwfile);
        Files.createFile(pwfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(pwfile, password() + "\n");
            account.own(pwfile);
            CommandResult r = account.runAsAccount(List.of(cluster.bin().resolve("initdb").toString(), "-D", scratch.toString(), "-U", USER, "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8",
                    "--locale=C.UTF-8"), Duration.ofMinutes(3));
            if (!r.ok()) {
                throw new IllegalStateException("initdb failed: " + r.tail());
            }
        } finally {
            Files.deleteIfExists(pwfile);
        }
        Files.writeString(scratch.resolve("pg_hba.conf"), "# Managed by Strata: the metadata server takes password (SCRAM) logins over loopback TCP only.\n"
                + "host all all 127.0.0.1/32 scram-sha-256\n", StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(scratch.resolve("postgresql.conf"), "\n# Strata's settings for its metadata server\ninclude_if_exists = '" + SETTINGS + "'\n",
                StandardOpenOption.APPEND);
        int port = Settings.get("STRATA_METADATA_PORT").map(Integer::parseInt).orElseGet(EmbeddedMetadataServer::freePortBelowRange);
        Files.writeString(scratch.resolve(SETTINGS), settings(port));
        account.own(scratch);
        Files.move(scratch, cluster.data(), StandardCopyOption.ATOMIC_MOVE);
        LOG.info(() -> "metadata server created in " + cluster.data() + " (port " + port + ")");
    }

    /** Rewrites the settings file when STRATA_METADATA_PORT changed it; the server reads it at its next start. */
    private void writeSettings() throws IOException {
        Path file = cluster.data().resolve(SETTINGS);
        int port = Settings.get("STRATA_METADATA_PORT").map(Integer::parseInt).orElseGet(this::port);
        String wanted = settings(port);
        if (!Files.exists(file) || !Files.readString(file).equals(wanted)) {
            Path tmp = file.resolveSibling(SETTINGS + ".tmp");
            Files.writeString(tmp, wanted);
            account.own(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (cluster.runningPid() != null) {
                cluster.restart();
            }
        }
    }

    private static String settings(int port) {
        return "# Managed by Strata; changes here are overwritten.\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "port = " + port + "\n"
                + "unix_socket_directories = ''\n"
                + "max_connections = 60\n"
                + "shared_buffers = 32MB\n"
                + "password_encryption = 'scram-sha-256'\n"
                // durability is PostgreSQL's default; said here so that no one tunes it away by accident
                + "fsync = on\n"
                + "synchronous_commit = on\n"
                + "full_page_writes = on\n"
                + "recovery_init_sync_method = syncfs\n"
                + "log_min_messages = warning\n";
    }

    int port() {
        try {
            Matcher m = PORT.matcher(Files.readString(cluster.data().resolve(SETTINGS)));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        } catch (IOException e) {
            // fall through
        }
        throw new IllegalStateException("the metadata server's settings in " + cluster.data().resolve(SETTINGS) + " name no port");
    }

    private void ensureDatabase() throws SQLException {
        if (databaseEnsured) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password());
        p.setProperty("connectTimeout", "10");
        try (Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", p)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, DATABASE);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        try (Statement s = c.createStatement()) {
                            s.execute("CREATE DATABASE " + DATABASE);
                        }
                    }
                }
            }
        }
        databaseEnsured = true;
    }

    /** The first port below STRATA_PORT_RANGE that nothing listens on (database servers never get it). */
    private static int freePortBelowRange() {
        PortRange range = new StrataConfig().portRange();
        for (int port = range.first() - 1; port >= 1024 && port > range.first() - 1000; port--) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                return port;
            } catch (IOException e) {
                // taken: try the next one down
            }
        }
        throw new IllegalStateException("no free port below STRATA_PORT_RANGE for the metadata server; set STRATA_METADATA_PORT");
    }

    /** The binaries of the cluster's major once it exists (a newer major installed later cannot run it), else the newest. */
    private static Path binDir(Path data) {
        Path root = Path.of(Settings.get("STRATA_POSTGRES_BIN_ROOT").orElse("/usr/lib/postgresql"));
        try {
            if (Files.exists(data.resolve("PG_VERSION"))) {
                return root.resolve(Files.readString(data.resolve("PG_VERSION")).trim()).resolve("bin");
            }
            try (Stream<Path> majors = Files.list(root)) {
                return majors.filter(d -> Files.isExecutable(d.resolve("bin/initdb")) && Files.isExecutable(d.resolve("bin/pg_ctl")))
                        .filter(d -> d.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
                        .map(d -> d.resolve("bin"))
                        .orElseThrow(() -> new IOException("no PostgreSQL major found"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Strata keeps its metadata in a PostgreSQL server of its own unless STRATA_DB_URL is set, "
                    + "and no PostgreSQL is installed under " + root + " (apt-get install postgresql, or set STRATA_DB_URL): " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
