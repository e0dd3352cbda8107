package dev.strata.provisioning.driver.local;

import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.QuickLiveness;
import dev.strata.provisioning.config.Settings;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.DriverPlace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * PostgreSQL as a dedicated local server per database: a copy of the major's template cluster ({@link ServerTemplates},
 * one {@code initdb} per major) into a scratch directory that is renamed into place (so a crash never leaves a
 * half-initialised cluster in use), Strata's settings in {@code strata.conf},
 * {@code pg_ctl} to start (detached: the server outlives Strata), restart and stop, and an application role that
 * owns an application database. Versions offered are the majors installed under {@code /usr/lib/postgresql}.
 */
@ApplicationScoped
@DriverPlace("local")
public class PostgresLocalDriver implements EngineDriver, QuickLiveness {

    private static final Logger LOG = Logger.getLogger(PostgresLocalDriver.class.getName());
    static final String ADMIN_USER = "strata_admin";
    private static final String SETTINGS_FILE = "strata.conf";

    @Inject
    StrataConfig config;

    @Inject
    HostAccount account;

    @Inject
    LocalInstances instances;

    @Inject
    ServerTemplates templates;

    @Override
    public List<EngineOffer> offers() {
        Path root = binRoot();
        List<String> versions = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.filter(d -> Files.isExecutable(d.resolve("bin/initdb")) && Files.isExecutable(d.resolve("bin/pg_ctl")))
                        .map(d -> d.getFileName().toString())
                        .filter(v -> v.matches("\\d+"))
                        .sorted(Comparator.comparingInt((String v) -> Integer.parseInt(v)).reversed())
                        .forEach(versions::add);
            } catch (IOException e) {
                LOG.warning("cannot list PostgreSQL installations in " + root + ": " + e.getMessage());
            }
        }
        return versions.isEmpty() ? List.of() : List.of(new EngineOffer(Engine.POSTGRESQL, List.copyOf(versions)));
    }

    @Override
    public boolean needsPort() {
        return true;
    }

    @Override
    public InstanceObservation ensureRunning(InstanceSpec spec) {
        try {
            bin(spec, "pg_ctl"); // a clear error when this major is not installed (any more)
            PostgresCluster cluster = cluster(spec);
            String busy = cluster.busy();
            if (busy != null) {
                return InstanceObservation.notReady(busy);
            }
            instances.prepare(spec);
            if (!cluster.initialised()) {
                initialise(spec);
            }
            boolean settingsChanged = writeSettings(spec);
            if (cluster.runningPid() != null && settingsChanged) {
                cluster.restart();
            } else {
                cluster.start();
            }
            ensureApplicationDatabase(spec);
            return observe(spec);
        } catch (IOException | SQLException e) {
            return InstanceObservation.failed("PostgreSQL " + spec.version() + ": " + e.getMessage());
        } catch (IllegalStateException e) {
            return InstanceObservation.failed(e.getMessage());
        }
    }

    @Override
    public InstanceObservation observe(InstanceSpec spec) {
        if (!Files.exists(dataDir(spec).resolve("PG_VERSION"))) {
            return InstanceObservation.notReady("the server is being created");
        }
        if (runningPid(spec) == null) {
            return spec.sleeping() ? InstanceObservation.stoppedOnPurpose() : InstanceObservation.notReady("the server process is not running");
        }
        try (Connection c = connect(spec, spec.username(), spec.password(), spec.databaseName());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return InstanceObservation.ready(instances.storageUsed(spec));
        } catch (SQLException e) {
            return InstanceObservation.notReady("the server does not answer yet: " + e.getMessage());
        }
    }

    @Override
    public boolean alive(InstanceSpec spec) {
        return runningPid(spec) != null;
    }

    @Override
    public InstanceObservation stop(InstanceSpec spec) {
        cluster(spec).stop("fast");
        return InstanceObservation.stoppedOnPurpose();
    }

    @Override
    public void delete(InstanceSpec spec) {
        if (!Files.exists(instanceDir(spec))) {
            return;
        }
        // the data goes with the directory: no checkpoint, no clean shutdown to wait for
        instances.killAll(spec);
        instances.remove(spec);
    }

    @Override
    public ConnectionInfo connection(InstanceSpec spec) {
        String db = LocalInstances.enc(spec.databaseName());
        String jdbc = "jdbc:postgresql://" + instances.uriHost() + ":" + spec.port() + "/" + db + "?user=" + LocalInstances.enc(spec.username())
                + "&password=" + LocalInstances.enc(spec.password());
        return new ConnectionInfo(instances.uri("postgresql", spec, db), spec.username(), spec.password(), config.publicHost(),
                spec.port(), spec.databaseName(), jdbc);
    }

    // --- steps ---

    /**
     * The data directory, copied from the major's template into a scratch directory that is renamed into place
     * (never a half-copied cluster in use). The copy starts with the template's bootstrap superuser password;
     * {@link #admin} replaces it with this database's own at the first connection.
     */
    private void initialise(InstanceSpec spec) throws IOException {
        Path scratch = instanceDir(spec).resolve("data.init");
        templates.copy(template(spec), scratch);
        Files.move(scratch, dataDir(spec), StandardCopyOption.ATOMIC_MOVE);
    }

    private static final String BOOTSTRAP_PASSWORD = "bootstrap-password";

    /**
     * The major's template: initdb with a bootstrap superuser password (kept next to the template, not in it), Strata's
     * pg_hba.conf and the include of its settings file.
     */
    private ServerTemplates.Template template(InstanceSpec spec) throws IOException {
        return templates.of("postgresql-" + spec.version(), (target, dir) -> {
            Path password = dir.resolve(BOOTSTRAP_PASSWORD);
            Files.deleteIfExists(password);
            Files.createFile(password, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(password, dev.strata.provisioning.secrets.SecretBox.randomPassword(32) + "\n");
            account.own(password);
            CommandResult r = account.runAsAccount(List.of(bin(spec, "initdb"), "--no-sync", "-D", target.toString(),
                    "-U", ADMIN_USER, "--pwfile=" + password, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"),
                    Duration.ofMinutes(2));
            if (!r.ok()) {
                throw new IllegalStateException("initdb failed: " + r.tail());
            }
            Files.writeString(target.resolve("pg_hba.conf"), hba(), StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(target.resolve("postgresql.conf"), "\n# Strata's settings for this database\ninclude_if_exists = '"
                    + SETTINGS_FILE + "'\n", StandardOpenOption.APPEND);
        });
    }

    private String bootstrapPassword(InstanceSpec spec) throws IOException {
        return Files.readString(template(spec).dir().resolve(BOOTSTRAP_PASSWORD)).trim();
    }

    /**
     * A superuser connection with this database's admin password; a server still on the template's bootstrap
     * password (first start, or a crash right after it) gets its own password first.
     */
    private Connection admin(InstanceSpec spec) throws SQLException, IOException {
        try {
            return connect(spec, ADMIN_USER, spec.adminPassword(), "postgres");
        } catch (SQLException e) {
            if (!"28P01".equals(e.getSQLState())) {
                throw e;
            }
            try (Connection c = connect(spec, ADMIN_USER, bootstrapPassword(spec), "postgres"); Statement s = c.createStatement()) {
                s.execute("ALTER ROLE " + ident(ADMIN_USER) + " PASSWORD " + literal(spec.adminPassword()));
            }
            return connect(spec, ADMIN_USER, spec.adminPassword(), "postgres");
        }
    }

    private String hba() {
        StringBuilder sb = new StringBuilder("# Managed by Strata. Password (SCRAM) logins over TCP only; no local socket.\n")
                .append("# TYPE  DATABASE  USER  ADDRESS  METHOD\n")
                .append("host all all 127.0.0.1/32 scram-sha-256\n")
                .append("host all all ::1/128 scram-sha-256\n");
        String bind = config.bindAddress();
        if (!bind.equals("127.0.0.1") && !bind.equals("localhost") && !bind.equals("::1")) {
            sb.append("host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n");
        }
        return sb.toString();
    }

    /** Writes strata.conf from the spec; true when it changed (the server then needs a restart). */
    private boolean writeSettings(InstanceSpec spec) throws IOException {
        long mib = spec.memory().mebibytes();
        int cores = (int) Math.max(1, (spec.cpu().millicores() + 999) / 1000);
        String settings = "# Managed by Strata from the database's spec; changes here are overwritten.\n"
                + "listen_addresses = '" + config.bindAddress() + "'\n"
                + "port = " + spec.port() + "\n"
                + "unix_socket_directories = ''\n"
                + "shared_buffers = " + Math.max(16, mib / 4) + "MB\n"
                + "effective_cache_size = " + Math.max(32, mib * 3 / 4) + "MB\n"
                + "max_parallel_workers = " + cores + "\n"
                + "max_parallel_workers_per_gather = " + Math.min(4, Math.max(0, cores - 1)) + "\n"
                + "password_encryption = 'scram-sha-256'\n"
                // after a crash, one syncfs() of the file system instead of an fsync() of every file: ~1 s less
                + "recovery_init_sync_method = syncfs\n";
        Path file = dataDir(spec).resolve(SETTINGS_FILE);
        if (Files.exists(file) && Files.readString(file).equals(settings)) {
            return false;
        }
        Path tmp = dataDir(spec).resolve(SETTINGS_FILE + ".tmp");
        Files.writeString(tmp, settings);
        account.own(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private void ensureApplicationDatabase(InstanceSpec spec) throws SQLException, IOException {
        try (Connection c = admin(spec)) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", spec.username())) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE ROLE " + ident(spec.username()) + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD "
                            + literal(spec.password()));
                }
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", spec.databaseName())) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + ident(spec.databaseName()) + " OWNER " + ident(spec.username()));
                    s.execute("REVOKE ALL ON DATABASE " + ident(spec.databaseName()) + " FROM PUBLIC");
                }
            }
        }
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Connection connect(InstanceSpec spec, String user, String password, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "3");
        p.setProperty("socketTimeout", "10");
        p.setProperty("ApplicationName", "strata");
        Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + spec.port() + "/" + database, p);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL");
        }
        return c;
    }

    private Long runningPid(InstanceSpec spec) {
        return cluster(spec).runningPid();
    }

    private PostgresCluster cluster(InstanceSpec spec) {
        return new PostgresCluster(account, binRoot().resolve(spec.version()).resolve("bin"), dataDir(spec), instanceDir(spec).resolve("server.log"));
    }

    private static Path binRoot() {
        return Path.of(Settings.get("STRATA_POSTGRES_BIN_ROOT").orElse("/usr/lib/postgresql"));
    }

    private String bin(InstanceSpec spec, String tool) {
        Path exe = binRoot().resolve(spec.version()).resolve("bin").resolve(tool);
        if (!Files.isExecutable(exe)) {
            throw new IllegalStateException("PostgreSQL " + spec.version() + " is not installed on this host (" + exe + " is missing)");
        }
        return exe.toString();
    }

    private Path instanceDir(InstanceSpec spec) {
        return instances.dir(spec);
    }

    private Path dataDir(InstanceSpec spec) {
        return instanceDir(spec).resolve("data");
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

}
