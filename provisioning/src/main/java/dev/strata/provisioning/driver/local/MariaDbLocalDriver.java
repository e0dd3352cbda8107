package dev.strata.provisioning.driver.local;

import dev.strata.domain.backup.ArchiveShipping;
import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.backup.BackupRepositoryAccess;
import dev.strata.domain.backup.PointInTimeCapability;
import dev.strata.provisioning.backup.SealedStream;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.QuickLiveness;
import dev.strata.provisioning.config.Settings;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.config.TlsMode;
import dev.strata.provisioning.driver.DriverPlace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * MySQL as a dedicated local MariaDB server per database: {@code mariadb-install-db} into a scratch directory
 * renamed into place, Strata's settings in {@code my.cnf}, {@code mariadbd} started detached in its own session,
 * administration over the instance's Unix socket by the account it runs as (socket authentication: no
 * administrator password exists, and nobody can log in as root over TCP), and an application user limited to the
 * application database, made by the server's {@code --init-file} at every start before it accepts a connection.
 * The version offered is the installed MariaDB's major.minor.
 */
@ApplicationScoped
@DriverPlace("local")
public class MariaDbLocalDriver implements EngineDriver, QuickLiveness, BackupCapability, PointInTimeCapability, ArchiveShipping,
        dev.strata.domain.database.ClientConnections, SpareServers {

    private static final Pattern VERSION = Pattern.compile("Ver (\\d+\\.\\d+)\\.\\d+-MariaDB");

    @Inject
    ServerCertificates certificates;

    @Inject
    StrataConfig config;

    @Inject
    HostAccount account;

    @Inject
    LocalInstances instances;

    @Inject
    ServerTemplates templates;

    private volatile String installedVersion;

    @Override
    public List<EngineOffer> offers() {
        String version = installedVersion();
        return version == null ? List.of() : List.of(new EngineOffer(Engine.MYSQL, List.of(version)));
    }

    private String installedVersion() {
        if (installedVersion == null) {
            installedVersion = instances.installedVersion(VERSION, server(), tool("mariadb-install-db"), tool("mariadb"));
        }
        return installedVersion;
    }

    @Override
    public boolean needsPort() {
        return true;
    }

    @Override
    public InstanceObservation ensureRunning(InstanceSpec spec) {
        try {
            requireVersion(spec);
            // a spare of the warm pool that took this database's user when it was created: its directory becomes ours
            boolean adopted = instances.adoptSpare(spec);
            // no instance directory yet: no process can work in it, none is looked for (a look reads all of /proc)
            String busy = Files.exists(instances.dir(spec)) ? instances.busy(spec, pid(instances.dir(spec))) : null;
            if (busy != null) {
                return InstanceObservation.notReady(busy);
            }
            Path inst = instances.prepare(spec);
            if (!Files.isDirectory(inst.resolve("data/mysql"))) {
                initialise(spec, inst);
            }
            Path binlogs = inst.resolve(BINLOG_DIR);
            if (!Files.isDirectory(binlogs)) {
                Files.createDirectory(binlogs);
                account.own(binlogs);
            }
            boolean renewed = certificates.ensure(spec);
            boolean changed = writeSettings(spec, inst);
            Long pid = pid(inst);
            if (pid != null && changed && !adopted && !InstanceFiles.terminate(pid, 60_000)) {
                throw new IllegalStateException("mariadbd (pid " + pid + ") did not stop for a restart");
            }
            if (adopted && pid != null) {
                // the running spare has the database's user and settings but for paths (its former directory's, a
                // link to this one): the new my.cnf is for its next start
                instances.spareAdopted(spec);
            } else if (pid == null || changed) {
                start(spec, inst);
                if (adopted) {
                    instances.spareAdopted(spec);
                }
            } else {
                Files.deleteIfExists(inst.resolve(SETUP_FILE)); // left by a Strata killed while the server started
                if (renewed) {
                    // the server re-reads its certificate and key: no restart, no connection dropped
                    admin(inst, "FLUSH SSL;\n");
                }
                admin(inst, setUp(spec));
            }
            if (renewed) {
                certificates.reloaded(spec);
            }
            return observe(spec);
        } catch (IOException e) {
            return InstanceObservation.failed("MariaDB: " + e.getMessage());
        } catch (IllegalStateException e) {
            return InstanceObservation.failed(e.getMessage());
        }
    }

    @Override
    public InstanceObservation observe(InstanceSpec spec) {
        Path inst = instances.dir(spec);
        if (!Files.isDirectory(inst.resolve("data/mysql"))) {
            return InstanceObservation.notReady("the server is being created");
        }
        if (pid(inst) == null) {
            return spec.sleeping() ? InstanceObservation.stoppedOnPurpose() : InstanceObservation.notReady("the server process is not running");
        }
        Properties p = new Properties();
        p.setProperty("user", spec.username());
        p.setProperty("password", spec.password());
        p.setProperty("connectTimeout", "3000");
        p.setProperty("socketTimeout", "10000");
        tcpTls(p, spec);
        try (Connection c = new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + spec.port() + "/" + spec.databaseName(), p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return InstanceObservation.ready(instances.storageUsed(spec));
        } catch (SQLException | RuntimeException e) {
            return InstanceObservation.notReady("the server does not answer yet: " + e.getMessage());
        }
    }

    /** The application user's connections but this one (the user sees its own threads in the process list). */
    @Override
    public int clientConnections(InstanceSpec spec) {
        Properties p = new Properties();
        p.setProperty("user", spec.username());
        p.setProperty("password", spec.password());
        p.setProperty("connectTimeout", "3000");
        p.setProperty("socketTimeout", "10000");
        tcpTls(p, spec);
        try (Connection c = new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + spec.port() + "/" + spec.databaseName(), p);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the connections: " + e.getMessage(), e);
        }
    }

    /**
     * Strata's own TCP connections to the server: in {@code STRATA_TLS_MODE=require}, where plain TCP is refused, over
     * TLS with the server verified against Strata's authority, as clients can.
     */
    private void tcpTls(Properties p, InstanceSpec spec) {
        if (config.tlsMode() == TlsMode.REQUIRE) {
            p.setProperty("sslMode", "verify-ca");
            p.setProperty("serverSslCert", certificates.authorityFile(spec).toString());
        }
    }

    @Override
    public Long serverPid(InstanceSpec spec) {
        return pid(instances.dir(spec));
    }

    @Override
    public InstanceObservation stop(InstanceSpec spec) {
        return instances.stopServer(pid(instances.dir(spec)), "mariadbd");
    }

    @Override
    public void delete(InstanceSpec spec) {
        try {
            instances.adoptSpare(spec); // a spare assigned to it and not yet adopted goes with it
        } catch (IOException e) {
            throw new IllegalStateException("cannot take the spare server of " + spec.id() + ": " + e.getMessage(), e);
        }
        instances.deleteWithServer(spec);
    }

    @Override
    public ConnectionInfo connection(InstanceSpec spec) {
        String db = LocalInstances.enc(spec.databaseName());
        String jdbc = "jdbc:mariadb://" + instances.uriHost() + ":" + spec.port() + "/" + db + "?user=" + LocalInstances.enc(spec.username())
                + "&password=" + LocalInstances.enc(spec.password()) + (config.tlsMode() == TlsMode.REQUIRE ? "&sslMode=trust" : "");
        return new ConnectionInfo(instances.uri("mysql", spec, db), spec.username(), spec.password(), config.publicHost(),
                spec.port(), spec.databaseName(), jdbc);
    }

    // --- steps ---

    /**
     * The data directory: a copy of the version's template (one {@code mariadb-install-db} per version, root
     * reachable only by the run-as account over the socket, as every copy is) into a scratch directory renamed into place.
     */
    private void initialise(InstanceSpec spec, Path inst) throws IOException {
        ServerTemplates.Template template = templates.of("mariadb-" + spec.version(), (target, dir) -> {
            CommandResult r = account.runAsAccount(List.of(tool("mariadb-install-db"), "--no-defaults", "--datadir=" + target,
                    "--auth-root-authentication-method=socket", "--auth-root-socket-user=" + account.name(), "--skip-test-db"),
                    Duration.ofMinutes(3));
            if (!r.ok()) {
                throw new IllegalStateException("mariadb-install-db failed: " + r.tail());
            }
        });
        Path scratch = inst.resolve("data.init");
        templates.copy(template, scratch);
        Files.move(scratch, inst.resolve("data"), StandardCopyOption.ATOMIC_MOVE);
    }

    private boolean writeSettings(InstanceSpec spec, Path inst) throws IOException {
        long poolMib = Math.max(32, spec.memory().mebibytes() / 2);
        int cores = (int) Math.max(1, (spec.cpu().millicores() + 999) / 1000);
        String settings = "# Managed by Strata from the database's spec; changes here are overwritten.\n"
                + "[mariadbd]\n"
                + "datadir = " + inst.resolve("data") + "\n"
                + "port = " + spec.port() + "\n"
                + "bind-address = " + config.bindAddress() + "\n"
                + "socket = " + inst.resolve("mariadbd.sock") + "\n"
                + "pid-file = " + inst.resolve("mariadbd.pid") + "\n"
                + "log-error = " + inst.resolve("server.log") + "\n"
                + "skip-name-resolve\n"
                + "character-set-server = utf8mb4\n"
                + "collation-server = utf8mb4_unicode_ci\n"
                + "innodb_buffer_pool_size = " + poolMib + "M\n"
                + "innodb_buffer_pool_chunk_size = " + Math.min(128, poolMib) + "M\n"
                + "innodb_read_io_threads = " + Math.min(64, cores) + "\n"
                + "innodb_write_io_threads = " + Math.min(64, cores) + "\n"
                + "max_connections = 150\n"
                // the binary log, beside the data: shipped to the backup repository for point-in-time restores
                + "log-bin = " + inst.resolve(BINLOG_DIR).resolve(BINLOG_BASE) + "\n"
                + "server_id = 1\n"
                + "binlog_format = ROW\n"
                + "sync_binlog = 1\n"
                // shipped files are purged at once; without backups (nothing shipped) a week is kept, not forever
                + "binlog_expire_logs_seconds = 604800\n"
                + tlsSettings(spec);
        Path file = inst.resolve("my.cnf");
        if (Files.exists(file) && Files.readString(file).equals(settings)) {
            return false;
        }
        instances.writePrivate(file, settings);
        return true;
    }

    /**
     * TLS with the instance's certificate from Strata's authority; {@code STRATA_TLS_MODE=require} refuses plain
     * TCP connections (the Unix socket, Strata's own, counts as secure). {@code FLUSH SSL} re-reads the files.
     */
    private String tlsSettings(InstanceSpec spec) {
        TlsMode mode = config.tlsMode();
        if (!mode.enabled()) {
            return "";
        }
        return "ssl_cert = " + certificates.certificate(spec) + "\n"
                + "ssl_key = " + certificates.key(spec) + "\n"
                + "ssl_ca = " + certificates.authorityFile(spec) + "\n"
                + "tls_version = TLSv1.2,TLSv1.3\n"
                + (mode == TlsMode.REQUIRE ? "require_secure_transport = ON\n" : "");
    }

    // --- spare servers of the warm pool ---

    @Override
    public Engine engine() {
        return Engine.MYSQL;
    }

    /**
     * Strata's user on a spare, for its assignment only: over TCP from the loopback address, with the spare's own
     * password (in Strata's memory only), dropped by the assignment itself.
     */
    static final String SPARE_ADMIN = "strata_spare_admin";
    private static final String SPARE_ADMIN_ACCOUNT = literal(SPARE_ADMIN) + "@'127.0.0.1'";

    /**
     * A spare: made and started as a database's server is (template copy, settings, TLS files), without an
     * application user or database: its users are MariaDB's own (root: the run-as account over the socket) and
     * {@value #SPARE_ADMIN}, made by its {@code --init-file} (not written to the binary log), through which Strata
     * assigns it in-process: a {@code mariadb} client started as the account (runuser, then the client) cost two
     * processes per create, the dearest part of an assignment on a busy host.
     */
    @Override
    public void startSpare(InstanceSpec spare) {
        try {
            requireVersion(spare);
            Path inst = instances.prepare(spare);
            if (!Files.isDirectory(inst.resolve("data/mysql"))) {
                initialise(spare, inst);
            }
            Path binlogs = inst.resolve(BINLOG_DIR);
            if (!Files.isDirectory(binlogs)) {
                Files.createDirectory(binlogs);
                account.own(binlogs);
            }
            certificates.ensure(spare);
            writeSettings(spare, inst);
            if (pid(inst) == null) {
                Path setUp = inst.resolve(SETUP_FILE);
                instances.writePrivate(setUp, "SET sql_log_bin = 0;\n"
                        + "CREATE USER " + SPARE_ADMIN_ACCOUNT + " IDENTIFIED BY " + literal(spare.adminPassword()) + ";\n"
                        + "GRANT ALL PRIVILEGES ON *.* TO " + SPARE_ADMIN_ACCOUNT + " WITH GRANT OPTION;\n");
                try {
                    start(inst, List.of("--init-file=" + setUp));
                } finally {
                    Files.deleteIfExists(setUp);
                }
            }
            certificates.reloaded(spare);
        } catch (IOException e) {
            throw new IllegalStateException("MariaDB " + spare.version() + " spare: " + e.getMessage(), e);
        }
    }

    /**
     * The database's user and database, made on the running spare over one connection as {@value #SPARE_ADMIN},
     * which drops itself last: afterwards the spare has the users a cold create's server has, and the spare's
     * password opens nothing. Not written to the binary log (nothing before a backup is ever replayed from it, and
     * the statements hold a password): no binary log fsync per statement either.
     */
    @Override
    public void assignSpare(InstanceSpec spare, InstanceSpec target) {
        Properties p = new Properties();
        p.setProperty("user", SPARE_ADMIN);
        p.setProperty("password", spare.adminPassword());
        p.setProperty("connectTimeout", "3000");
        p.setProperty("socketTimeout", "30000");
        tcpTls(p, spare);
        try (Connection c = new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + spare.port() + "/", p);
             Statement s = c.createStatement()) {
            s.execute("SET sql_log_bin = 0");
            s.execute("CREATE DATABASE " + ident(target.databaseName()) + " CHARACTER SET utf8mb4");
            s.execute("CREATE USER " + account(target) + " IDENTIFIED BY " + literal(target.password()));
            s.execute("GRANT ALL PRIVILEGES ON " + ident(target.databaseName()) + ".* TO " + account(target));
            s.execute("DROP USER " + SPARE_ADMIN_ACCOUNT);
        } catch (SQLException | RuntimeException e) {
            throw new IllegalStateException("the spare MariaDB server did not take the database's user: "
                    + String.valueOf(e.getMessage()).replace(target.password(), "***").replace(spare.adminPassword(), "***"));
        }
    }

    /** The file of SQL a starting server runs before it accepts any connection ({@code --init-file}). */
    static final String SETUP_FILE = "setup.sql";

    /**
     * The application database and user, with this database's password (a restored server has the source's user with
     * the source's password: this database's own from here), not written to the binary log. Idempotent: run at every
     * start of the server.
     */
    private static String setUp(InstanceSpec spec) {
        // not written to the binary log, as the spare's statements are not: they hold the password, and the binary
        // log is shipped to the backup repository
        return "SET sql_log_bin = 0;\n"
                + "CREATE DATABASE IF NOT EXISTS " + ident(spec.databaseName()) + " CHARACTER SET utf8mb4;\n"
                + "CREATE USER IF NOT EXISTS " + account(spec) + " IDENTIFIED BY " + literal(spec.password()) + ";\n"
                + "ALTER USER " + account(spec) + " IDENTIFIED BY " + literal(spec.password()) + ";\n"
                + "GRANT ALL PRIVILEGES ON " + ident(spec.databaseName()) + ".* TO " + account(spec) + ";\n";
    }

    /**
     * Starts the server with the database's user and database made by its {@code --init-file}, which mariadbd runs
     * before it accepts the first connection: a client that connects early waits for the handshake or is refused,
     * and never meets a missing user or database (1045, 1049, 1130). The file (private to the account, it holds the
     * password) is removed as soon as the server answers; mariadbd has read it by then.
     */
    private void start(InstanceSpec spec, Path inst) throws IOException {
        Path setUp = inst.resolve(SETUP_FILE);
        instances.writePrivate(setUp, setUp(spec));
        try {
            start(inst, List.of("--init-file=" + setUp));
        } finally {
            Files.deleteIfExists(setUp);
        }
    }

    private void start(Path inst, List<String> options) {
        List<String> command = new java.util.ArrayList<>(List.of(server(), "--defaults-file=" + inst.resolve("my.cnf")));
        command.addAll(options);
        account.startDetached(command, inst.resolve("console.log"));
        long started = System.currentTimeMillis();
        while (true) {
            // the greeting on the private socket, read in this process: a mariadb-admin ping as the account costs a
            // process (tens of milliseconds on a busy host) per look, and was looked at only every 100 ms
            if (greets(inst.resolve("mariadbd.sock"), Duration.ofSeconds(1))) {
                return;
            }
            long waited = System.currentTimeMillis() - started;
            if (waited > 3_000 && !serverProcessExists(inst)) {
                throw new IllegalStateException("mariadbd exited while starting" + LocalInstances.logTail(inst.resolve("server.log")));
            }
            if (waited > 120_000) {
                throw new IllegalStateException("mariadbd did not answer within 120 s" + LocalInstances.logTail(inst.resolve("server.log")));
            }
            InstanceFiles.pause(10);
        }
    }

    /**
     * Whether the server behind Unix socket {@code socket} sends its greeting within {@code wait}. mariadbd greets
     * only from its accept loop, after its {@code --init-file} has run: a connection made earlier waits in the
     * listen queue and is greeted the moment the server is ready. No handshake follows (the connection is closed
     * after the first byte); a Unix socket has no host cache, so this never counts against 127.0.0.1's connect errors.
     */
    static boolean greets(Path socket, Duration wait) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
                ch.register(selector, java.nio.channels.SelectionKey.OP_READ);
                return selector.select(wait.toMillis()) > 0 && ch.read(java.nio.ByteBuffer.allocate(1)) > 0;
            }
        } catch (IOException e) {
            return false; // not listening yet (a stale socket file refuses), or it went away while starting
        }
    }

    /** Whether a mariadbd of this instance runs, even before it has written its pid file. */
    private static boolean serverProcessExists(Path inst) {
        return HostProcesses.of(inst).stream().anyMatch(p -> p.name().equals("mariadbd"));
    }

    private void admin(Path inst, String sql) {
        CommandResult r = account.runAsAccount(List.of(tool("mariadb"), "--no-defaults", "--socket=" + inst.resolve("mariadbd.sock"),
                "-u", account.name(), "--batch"), sql, Duration.ofSeconds(60));
        if (!r.ok()) {
            throw new IllegalStateException("setting up the application user failed: " + r.tail());
        }
    }

    private void requireVersion(InstanceSpec spec) {
        String installed = installedVersion();
        if (installed == null || !installed.equals(spec.version())) {
            throw new IllegalStateException("MariaDB " + spec.version() + " is not installed on this host"
                    + (installed == null ? "" : " (installed: " + installed + ")"));
        }
    }

    private static Long pid(Path inst) {
        return InstanceFiles.livePid(inst.resolve("mariadbd.pid"), "mariadbd");
    }

    private static String server() {
        return Settings.get("STRATA_MARIADB_SERVER").orElse("/usr/sbin/mariadbd");
    }

    private static String tool(String name) {
        return Path.of(Settings.get("STRATA_MARIADB_BIN_DIR").orElse("/usr/bin")).resolve(name).toString();
    }

    private static String account(InstanceSpec spec) {
        return literal(spec.username()) + "@'%'";
    }

    private static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static String literal(String value) {
        // on one line: the server's --init-file is read statement by statement, line by line
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'";
    }


    // --- backups: mariadb-backup streamed (xbstream) from a running server, a tar of a stopped one's files ---

    private static final Duration BACKUP_TIMEOUT = Duration.ofHours(6);

    @Override
    public TakenBackup backup(InstanceSpec spec, BackupJob job) {
        Path inst = instances.dir(spec);
        if (!Files.isDirectory(inst.resolve("data/mysql"))) {
            throw new IllegalStateException("the database has no data yet");
        }
        if (pid(inst) == null) {
            // asleep (or down after a clean stop): its files are consistent as they are; the server is not started
            return StreamBackups.take(spec.id(), job, "files-tar", "data.tar", out ->
                    account.pipeFrom(List.of("tar", "-C", inst.toString(), "-cf", "-", "data"), Map.of(), out, BACKUP_TIMEOUT));
        }
        Path work = inst.resolve("backup-work");
        try {
            InstanceFiles.deleteRecursively(work);
            Files.createDirectory(work);
            account.own(work);
            TakenBackup taken = StreamBackups.take(spec.id(), job, "xbstream", "backup.xbstream", out ->
                    account.pipeFrom(List.of(tool("mariadb-backup"), "--no-defaults", "--backup", "--stream=xbstream",
                            "--target-dir=" + work, "--socket=" + inst.resolve("mariadbd.sock"), "--user=" + account.name(),
                            "--datadir=" + inst.resolve("data"), "--parallel=2"), Map.of(), out, BACKUP_TIMEOUT));
            // a base for point-in-time restores: it records its binary log position, and the binary logs are shipped from here on
            return new TakenBackup(taken.location(), taken.sizeBytes(), true);
        } catch (IOException e) {
            throw new IllegalStateException("MariaDB backup: " + e.getMessage(), e);
        } finally {
            try {
                InstanceFiles.deleteRecursively(work);
            } catch (IOException ignored) {
                // removed at the next backup
            }
        }
    }

    @Override
    public void restore(InstanceSpec target, RestoreJob job) {
        try {
            if (job.pointInTime() != null && job.source() != null) {
                // before the source stops (in place, it is the target): its archive must reach the present
                shipArchive(job.source(), job.key(), job.repository());
            }
            instances.restoreData(target, job.token(), MariaDbLocalDriver::pid, "mariadbd", scratch -> {
                String format = StreamBackups.format(job);
                if (format.equals("xbstream")) {
                    StreamBackups.read(job, in -> account.pipeInto(List.of(tool("mbstream"), "-x", "-C", scratch.toString()), Map.of(), in, BACKUP_TIMEOUT));
                    CommandResult prepared = account.runAsAccount(List.of(tool("mariadb-backup"), "--no-defaults", "--prepare",
                            "--target-dir=" + scratch), BACKUP_TIMEOUT);
                    if (!prepared.ok()) {
                        throw new IllegalStateException("mariadb-backup --prepare failed: " + prepared.tail());
                    }
                    if (job.pointInTime() != null) {
                        replayArchive(instances.dir(target), scratch, job);
                    }
                } else if (format.equals("files-tar") && job.pointInTime() != null) {
                    throw new IllegalStateException("backup " + job.backupId() + " was taken from a stopped server: it is no base for a point-in-time restore");
                } else if (format.equals("files-tar")) {
                    // the tar holds data/…: its contents go straight into the scratch directory
                    StreamBackups.read(job, in -> account.pipeInto(List.of("tar", "-C", scratch.toString(), "--strip-components=1", "-xf", "-"),
                            Map.of(), in, BACKUP_TIMEOUT));
                } else {
                    throw new IllegalStateException("backup " + job.backupId() + " has an unknown format " + format);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("MariaDB restore: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteBackup(RestoreJob backup) {
        StreamBackups.delete(backup);
    }

    // --- the binary log as a continuous archive: shipped every 30 s, replayed up to a moment on restore ---

    static final String BINLOG_DIR = "binlog";
    private static final String BINLOG_BASE = "mariadb-bin";
    /** How often the backup runner ships the binary log (a file with changes is closed and stored): the RPO. */
    static final Duration ARCHIVE_INTERVAL = Duration.ofSeconds(30);
    private static final Pattern BINLOG_NAME = Pattern.compile(BINLOG_BASE + "\\.\\d{6}");

    @Override
    public Duration archiveInterval() {
        return ARCHIVE_INTERVAL;
    }

    /** Where the binary logs of a database are stored in the repository. */
    static String archiveFolder(String databaseId) {
        return BackupRepositoryAccess.databaseFolder(databaseId) + "/binlog/";
    }

    @Override
    public void shipArchive(InstanceSpec spec, String key, BackupRepositoryAccess repository) {
        Path inst = instances.dir(spec);
        Path binlogs = inst.resolve(BINLOG_DIR);
        Path index = binlogs.resolve(BINLOG_BASE + ".index");
        if (!Files.exists(index)) {
            return;
        }
        try {
            String current = null;
            if (pid(inst) != null) {
                String[] status = masterStatus(inst);
                Path flushed = binlogs.resolve("strata-flushed");
                String before = Files.exists(flushed) ? Files.readString(flushed).trim() : "";
                if (!(status[0] + ":" + status[1]).equals(before)) {
                    admin(inst, "FLUSH BINARY LOGS;\n");
                    status = masterStatus(inst);
                    Files.writeString(flushed, status[0] + ":" + status[1] + "\n");
                }
                current = status[0];
            }
            Path shippedFile = binlogs.resolve("strata-shipped");
            java.util.Set<String> shipped = new java.util.HashSet<>(Files.exists(shippedFile) ? Files.readAllLines(shippedFile) : List.of());
            for (String line : Files.readAllLines(index)) {
                String name = Path.of(line.trim()).getFileName().toString();
                if (!BINLOG_NAME.matcher(name).matches() || name.equals(current) || shipped.contains(name)) {
                    continue;
                }
                Path file = binlogs.resolve(name);
                if (!Files.exists(file)) {
                    continue; // purged after it was shipped
                }
                BackupRepositoryAccess.Upload upload = repository.upload(archiveFolder(spec.id()) + name + ".sbk");
                try (SealedStream.Sealing sealing = SealedStream.seal(upload, key, "binlog:" + spec.id() + ":" + name)) {
                    Files.copy(file, sealing);
                } catch (IOException | RuntimeException e) {
                    upload.abort();
                    throw e;
                }
                Files.writeString(shippedFile, name + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                shipped.add(name);
            }
            if (current != null) {
                // every earlier file is in the repository now
                admin(inst, "PURGE BINARY LOGS TO '" + current + "';\n");
            }
        } catch (IOException e) {
            throw new IllegalStateException("shipping the binary log of " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /** SHOW MASTER STATUS: the current binary log file and position. */
    private String[] masterStatus(Path inst) {
        CommandResult r = account.runAsAccount(List.of(tool("mariadb"), "--no-defaults", "--socket=" + inst.resolve("mariadbd.sock"),
                "-u", account.name(), "--batch", "--skip-column-names"), "SHOW MASTER STATUS;\n", Duration.ofSeconds(30));
        String[] f = r.output().trim().split("\t");
        if (!r.ok() || f.length < 2) {
            throw new IllegalStateException("SHOW MASTER STATUS failed: " + r.tail());
        }
        return new String[] {f[0], f[1]};
    }

    /**
     * Replays the source's archived binary logs into the prepared backup in {@code scratch}, from the backup's
     * binary log position up to the job's moment: a server of its own on a private socket (no network, no binary
     * log) takes {@code mariadb-binlog --stop-datetime}. Binary log events carry whole seconds: the moment's second
     * is included. A moment after the last archived change replays everything (the latest state).
     */
    private void replayArchive(Path inst, Path scratch, RestoreJob job) throws IOException {
        Path info = Files.exists(scratch.resolve("mariadb_backup_binlog_info")) ? scratch.resolve("mariadb_backup_binlog_info")
                : scratch.resolve("xtrabackup_binlog_info");
        if (!Files.exists(info)) {
            throw new IllegalStateException("backup " + job.backupId() + " has no binary log position: it is no base for a point-in-time restore");
        }
        String[] pos = Files.readString(info).trim().split("\\s+");
        String first = pos[0];
        String folder = archiveFolder(job.sourceDatabaseId());
        List<String> names = job.repository().keys(folder).stream()
                .map(k -> k.substring(folder.length()).replace(".sbk", ""))
                .filter(n -> BINLOG_NAME.matcher(n).matches() && n.compareTo(first) >= 0).sorted().toList();
        if (names.isEmpty() || !names.get(0).equals(first)) {
            throw new IllegalStateException("the binary log " + first + " the backup starts from is not in the archive");
        }
        Path logs = inst.resolve("restore-binlogs");
        InstanceFiles.deleteRecursively(logs);
        Files.createDirectory(logs);
        account.own(logs);
        List<String> files = new java.util.ArrayList<>();
        for (String n : names) {
            Path to = logs.resolve(n);
            try (java.io.InputStream in = SealedStream.open(job.repository().download(folder + n + ".sbk"), job.key(),
                    "binlog:" + job.sourceDatabaseId() + ":" + n)) {
                Files.copy(in, to);
            }
            account.own(to);
            files.add(to.toString());
        }
        Path sock = inst.resolve("restore.sock");
        Path pidFile = inst.resolve("restore.pid");
        account.startDetached(List.of(server(), "--no-defaults", "--datadir=" + scratch, "--socket=" + sock, "--skip-networking",
                "--pid-file=" + pidFile, "--log-error=" + inst.resolve("restore.log"), "--innodb-buffer-pool-size=128M"), inst.resolve("console.log"));
        try {
            long started = System.currentTimeMillis();
            while (!account.runAsAccount(List.of(tool("mariadb-admin"), "--no-defaults", "--socket=" + sock, "-u", account.name(), "ping"),
                    Duration.ofSeconds(10)).ok()) {
                if (System.currentTimeMillis() - started > 120_000) {
                    throw new IllegalStateException("the server replaying the binary logs did not start" + LocalInstances.logTail(inst.resolve("restore.log")));
                }
                InstanceFiles.pause(100);
            }
            String stop = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC)
                    .format(job.pointInTime().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1));
            List<String> replay = new java.util.ArrayList<>(List.of(tool("mariadb-binlog"), "--start-position=" + pos[1], "--stop-datetime=" + stop));
            replay.addAll(files);
            String pipeline = String.join(" ", replay.stream().map(MariaDbLocalDriver::shellQuoted).toList()) + " | "
                    + String.join(" ", List.of(tool("mariadb"), "--no-defaults", "--socket=" + sock, "-u", account.name()).stream()
                    .map(MariaDbLocalDriver::shellQuoted).toList());
            CommandResult r = account.runAsAccount(List.of("bash", "-o", "pipefail", "-c", pipeline), null, BACKUP_TIMEOUT, Map.of("TZ", "UTC"));
            if (!r.ok()) {
                throw new IllegalStateException("replaying the binary logs failed: " + r.tail());
            }
            account.runAsAccount(List.of(tool("mariadb-admin"), "--no-defaults", "--socket=" + sock, "-u", account.name(), "shutdown"),
                    Duration.ofMinutes(5));
            Long replayer = InstanceFiles.livePid(pidFile, "mariadbd");
            if (replayer != null && !InstanceFiles.terminate(replayer, 60_000)) {
                throw new IllegalStateException("the server replaying the binary logs did not stop");
            }
        } finally {
            Long left = InstanceFiles.livePid(pidFile, "mariadbd");
            if (left != null) {
                InstanceFiles.terminate(left, 60_000);
            }
            InstanceFiles.deleteRecursively(logs);
        }
    }

    private static String shellQuoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
