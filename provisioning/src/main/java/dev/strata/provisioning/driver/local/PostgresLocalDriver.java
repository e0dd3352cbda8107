package dev.strata.provisioning.driver.local;

import dev.strata.domain.backup.ArchiveShipping;
import dev.strata.domain.backup.BackupCapability;
import dev.strata.domain.backup.BackupRepositoryAccess;
import dev.strata.domain.backup.CloneCapability;
import dev.strata.domain.backup.PointInTimeCapability;
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
 * one {@code initdb} per major) into a scratch directory where a single-user backend makes the database's users and
 * database, renamed into place (so a crash never leaves a half-initialised cluster in use, and the port never opens
 * before the published credentials work), Strata's settings in {@code strata.conf},
 * {@code pg_ctl} to start (detached: the server outlives Strata), restart and stop, and an application role that
 * owns an application database. Versions offered are the majors installed under {@code /usr/lib/postgresql}, each
 * with the allow-listed extensions installed for it ({@link PostgresExtensions}).
 */
@ApplicationScoped
@DriverPlace("local")
public class PostgresLocalDriver implements EngineDriver, QuickLiveness, BackupCapability, PointInTimeCapability, ArchiveShipping, CloneCapability,
        dev.strata.domain.database.ClientConnections, SpareServers {

    private static final Logger LOG = Logger.getLogger(PostgresLocalDriver.class.getName());
    static final String ADMIN_USER = "strata_admin";
    private static final String SETTINGS_FILE = "strata.conf";
    /**
     * A WAL segment with changes is closed (and then archived by the server) at least this often: Strata's backup
     * runner calls {@link #shipArchive} every 25 s. archive_timeout (60 s) is set too, but was seen not to fire on
     * the development machine's PostgreSQL 15, so the RPO does not rest on it.
     */
    static final Duration ARCHIVE_INTERVAL = Duration.ofSeconds(30);
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(60);
    /** What PostgreSQL says when the archive ends before a point-in-time target (no commit after it was archived). */
    private static final String TARGET_NOT_REACHED = "recovery ended before configured recovery target was reached";

    @Inject
    StrataConfig config;

    @Inject
    HostAccount account;

    @Inject
    LocalInstances instances;

    @Inject
    ServerTemplates templates;

    @Inject
    ServerCertificates certificates;

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
        if (versions.isEmpty()) {
            return List.of();
        }
        java.util.Map<String, List<String>> extensions = new java.util.LinkedHashMap<>();
        for (String v : versions) {
            extensions.put(v, extensions(v));
        }
        return List.of(new EngineOffer(Engine.POSTGRESQL, List.copyOf(versions), extensions));
    }

    /** The allow-listed extensions a database owner can create on this major (see {@link PostgresExtensions}). */
    private List<String> extensions(String version) {
        Installation inst = installation(version);
        return PostgresExtensions.offered(inst.shareDir().resolve("extension"), PostgresExtensions.whitelistInstalled(inst.pkgLibDir()));
    }

    /** Where a major keeps its extension files ({@code pg_config --sharedir}) and libraries ({@code --pkglibdir}). */
    record Installation(Path shareDir, Path pkgLibDir) {
    }

    private final java.util.concurrent.ConcurrentMap<String, Installation> installations = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The major's directories as its own pg_config reports them (asked once per major), or Debian's layout when it
     * has no pg_config.
     */
    private Installation installation(String version) {
        return installations.computeIfAbsent(version, v -> {
            Path pgConfig = binRoot().resolve(v).resolve("bin").resolve("pg_config");
            if (Files.isExecutable(pgConfig)) {
                try {
                    Process p = new ProcessBuilder(pgConfig.toString(), "--sharedir", "--pkglibdir").redirectErrorStream(true).start();
                    List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
                    if (p.waitFor() == 0 && lines.size() == 2) {
                        return new Installation(Path.of(lines.get(0).trim()), Path.of(lines.get(1).trim()));
                    }
                } catch (IOException e) {
                    LOG.warning("cannot run " + pgConfig + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Installation(Path.of("/usr/share/postgresql", v), binRoot().resolve(v).resolve("lib"));
        });
    }

    @Override
    public boolean needsPort() {
        return true;
    }

    @Override
    public InstanceObservation ensureRunning(InstanceSpec spec) {
        try {
            bin(spec, "pg_ctl"); // a clear error when this major is not installed (any more)
            // a spare of the warm pool that took this database's users when it was created: its directory becomes ours
            boolean adopted = instances.adoptSpare(spec);
            PostgresCluster cluster = cluster(spec);
            // no instance directory yet: no process on the host can work in it or name it, so none is looked for
            // (each look reads /proc: 55-270 ms on a busy host with 600 processes, and a create looked four times)
            boolean fresh = !Files.exists(instanceDir(spec));
            String busy = fresh ? null : cluster.busy();
            if (busy != null) {
                return InstanceObservation.notReady(busy);
            }
            instances.prepare(spec);
            if (fresh) {
                forgetSocket(spec); // a server of an earlier database on this port, killed before this fix removed them
            }
            boolean made = !cluster.initialised();
            if (made) {
                initialise(spec, fresh);
            }
            boolean renewed = certificates.ensure(spec);
            boolean settingsChanged = writeSettings(spec);
            boolean wasRunning = cluster.runningPid() != null;
            if (wasRunning && settingsChanged && !adopted) {
                cluster.restart();
            } else if (fresh) {
                cluster.startFresh();
            } else {
                cluster.start();
            }
            // an adopted spare has the database's settings already but for paths (its directory's), which a reload takes
            if (adopted && wasRunning || renewed && wasRunning && !settingsChanged) {
                // the server re-reads its certificate and key on a reload: no restart, no connection dropped
                try (Connection c = admin(spec); Statement s = c.createStatement()) {
                    s.execute("SELECT pg_reload_conf()");
                }
            }
            if (renewed) {
                certificates.reloaded(spec);
            }
            if (adopted) {
                instances.spareAdopted(spec);
            } else if (!made) {
                // a data directory made before its users were set up offline may still lack them (or have the
                // template's admin password); for one made now (or a spare that took them when assigned) this is done
                ensureApplicationDatabase(spec);
            }
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

    /** Client backends but Strata's own (its admin's, and its health checks: application name {@code strata}). */
    @Override
    public int clientConnections(InstanceSpec spec) {
        try (Connection c = admin(spec); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                     + " AND pid <> pg_backend_pid() AND usename <> '" + ADMIN_USER + "' AND application_name <> 'strata'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot count the connections: " + e.getMessage(), e);
        }
    }

    @Override
    public Long serverPid(InstanceSpec spec) {
        return runningPid(spec);
    }

    @Override
    public InstanceObservation stop(InstanceSpec spec) {
        cluster(spec).stop("fast");
        return InstanceObservation.stoppedOnPurpose();
    }

    @Override
    public void delete(InstanceSpec spec) {
        try {
            instances.adoptSpare(spec); // a spare assigned to it and not yet adopted goes with it
        } catch (IOException e) {
            throw new IllegalStateException("cannot take the spare server of " + spec.id() + ": " + e.getMessage(), e);
        }
        if (!Files.exists(instanceDir(spec))) {
            return;
        }
        // the data goes with the directory: no checkpoint, no clean shutdown to wait for
        instances.killAll(spec);
        forgetSocket(spec);
        instances.remove(spec);
    }

    /**
     * Removes the socket and socket lock file a killed server left in its private socket directory (outside the
     * instance directory). Left there, the next database given the same port meets a lock file naming the dead
     * server's pid; once the host has given that pid to another process (busy hosts wrap pids), PostgreSQL refuses
     * to start ("lock file ... already exists"). Seen on 2026-12-06 under bench load.
     */
    private void forgetSocket(InstanceSpec spec) {
        Path dir = Path.of("/tmp", "strata-" + account.name(), "pg-" + spec.port());
        try {
            Files.deleteIfExists(dir.resolve(".s.PGSQL." + spec.port() + ".lock"));
            Files.deleteIfExists(dir.resolve(".s.PGSQL." + spec.port()));
        } catch (IOException e) {
            LOG.warning("cannot remove the socket files in " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public ConnectionInfo connection(InstanceSpec spec) {
        String db = LocalInstances.enc(spec.databaseName());
        // TLS required: said in the URIs too, so that clients defaulting to plain (JDBC) do not fail
        boolean require = config.tlsMode() == TlsMode.REQUIRE;
        String jdbc = "jdbc:postgresql://" + instances.uriHost() + ":" + spec.port() + "/" + db + "?user=" + LocalInstances.enc(spec.username())
                + "&password=" + LocalInstances.enc(spec.password()) + (require ? "&sslmode=require" : "");
        return new ConnectionInfo(instances.uri("postgresql", spec, db) + (require ? "?sslmode=require" : ""), spec.username(), spec.password(),
                config.publicHost(), spec.port(), spec.databaseName(), jdbc);
    }

    // --- backups (pgBackRest) ---

    @Override
    public TakenBackup backup(InstanceSpec spec, BackupJob job) {
        try {
            bin(spec, "pg_ctl");
            PostgresCluster cluster = cluster(spec);
            if (!cluster.initialised()) {
                throw new IllegalStateException("the database has no data yet");
            }
            boolean online = cluster.runningPid() != null;
            if (!online && !cleanlyStopped(spec, dataDir(spec))) {
                throw new IllegalStateException("the server is neither running nor cleanly stopped; try again when the database is ready");
            }
            Path conf = configureBackups(spec, instanceDir(spec).resolve(PgBackRest.CONFIG), spec.id(), dataDir(spec), job.key(), job.repository());
            PgBackRest tool = new PgBackRest(account, instances);
            tool.killLeftovers(instanceDir(spec));
            tool.stanzaCreate(conf, online);
            return tool.backup(conf, online, job);
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL backup: " + e.getMessage(), e);
        }
    }

    @Override
    public void restore(InstanceSpec target, RestoreJob job) {
        try {
            bin(target, "pg_ctl");
            Path inst = instances.prepare(target);
            Path data = dataDir(target);
            Path scratch = inst.resolve("data.restore");
            Path old = inst.resolve("data.old");
            Path marker = inst.resolve("restored");
            LocalInstances.repairSwap(data, old);
            if (Files.exists(data) && Files.exists(marker) && Files.readString(marker).trim().equals(job.token())) {
                return; // done before a crash; only the record of it was missing
            }
            if (job.pointInTime() != null && job.source() != null) {
                // before the source stops (in place, it is the target): its archive must reach the present
                archiveNow(job.source());
            }
            // the database's own server goes down for the restore; the restored copy listens on its private socket only
            // (it has the source's users and passwords until adoptRestored), the port opens with the final server
            cluster(target).stop("fast");
            instances.killAll(target, scratch);
            InstanceFiles.deleteRecursively(scratch);
            Path conf = configureBackups(target, inst.resolve("restore-source.conf"), job.sourceDatabaseId(), scratch, job.key(), job.repository());
            new PgBackRest(account, instances).restore(conf, scratch, job);
            account.own(scratch);
            writeSettings(target, scratch, false);
            PostgresCluster restored = new PostgresCluster(account, binRoot().resolve(target.version()).resolve("bin"), scratch,
                    inst.resolve("server.log"));
            try {
                startRecovered(target, restored, scratch, inst.resolve("server.log"), job);
                adoptRestored(target, job);
            } finally {
                restored.stop("fast");
            }
            forgetRecoverySettings(scratch.resolve("postgresql.auto.conf"));
            Files.deleteIfExists(conf);
            // the swap: data -> data.old, data.restore -> data, then data.old goes (repairSwap finishes what a crash cut short)
            LocalInstances.swapIn(data, scratch, old);
            instances.writePrivate(marker, job.token() + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL restore: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteBackup(RestoreJob backup) {
        Path work = config.dataDir().resolve("backup-work");
        try {
            Files.createDirectories(work);
            account.own(work);
            Path conf = work.resolve(backup.backupId() + ".conf");
            // pg1-path is not used by expire; the source's own directory may be gone
            configureBackups(null, conf, backup.sourceDatabaseId(), work.resolve("none"), backup.key(), backup.repository());
            try {
                if (backup.location() != null) {
                    new PgBackRest(account, instances).expire(conf, backup.location(),
                            BackupRepositoryAccess.databaseFolder(backup.sourceDatabaseId()), backup.repository());
                }
            } finally {
                Files.deleteIfExists(conf);
            }
        } catch (IOException e) {
            throw new IllegalStateException("deleting a PostgreSQL backup: " + e.getMessage(), e);
        }
    }

    private Path configureBackups(InstanceSpec spec, Path conf, String sourceId, Path pgData, String key, BackupRepositoryAccess repository)
            throws IOException {
        int port = spec == null ? 5432 : spec.port();
        Path socket = spec == null ? pgData : socketDir(spec);
        return new PgBackRest(account, instances).configure(conf.getParent(), conf, BackupRepositoryAccess.databaseFolder(sourceId),
                pgData, port, socket, key, repository);
    }

    /** Whether pg_controldata says the cluster was shut down cleanly (an offline backup of it is consistent). */
    private boolean cleanlyStopped(InstanceSpec spec, Path data) {
        CommandResult r = account.runAsAccount(List.of(bin(spec, "pg_controldata"), "-D", data.toString()), Duration.ofSeconds(30));
        return r.ok() && r.output().contains("Database cluster state:") && r.output().matches("(?s).*Database cluster state:\\s+shut down\\n.*");
    }

    // --- branches of the present: the parent's files, cloned where the file system can ---

    /**
     * A consistent copy of the parent's data directory into {@code data.clone}, put in place by renames as a restore
     * is. From a running parent: inside a non-exclusive base backup ({@code pg_backup_start}/{@code pg_backup_stop},
     * with a temporary replication slot holding the WAL meanwhile), the files copied, the backup label written and
     * {@code pg_wal} copied again after the stop, so the copy recovers to the moment of the stop when it first starts.
     * From a cleanly stopped parent: its files as they are. The copy is started once, on its private socket only (it
     * has the parent's passwords until then), to finish that recovery and take the branch's passwords, and stopped;
     * the branch's port opens with its own server.
     */
    @Override
    public String cloneFrom(InstanceSpec source, InstanceSpec target, String token) {
        try {
            bin(target, "pg_ctl");
            Path inst = instances.prepare(target);
            Path data = dataDir(target);
            Path scratch = inst.resolve("data.clone");
            Path old = inst.resolve("data.old");
            Path marker = inst.resolve("cloned");
            LocalInstances.repairSwap(data, old);
            if (Files.exists(data) && Files.exists(marker)) {
                List<String> done = Files.readAllLines(marker);
                if (!done.isEmpty() && done.get(0).equals(token)) {
                    return done.size() > 1 ? done.get(1) : "a copy of the parent's files";
                }
            }
            cluster(target).stop("fast");
            instances.killAll(target, scratch);
            InstanceFiles.deleteRecursively(scratch);
            Path from = dataDir(source);
            PostgresCluster parent = cluster(source);
            java.util.function.Function<List<String>, CommandResult> asAccount = cmd -> account.runAsAccount(cmd, Duration.ofHours(6));
            FileClones.Method method = FileClones.probe(asAccount, from.resolve("PG_VERSION"), inst);
            if (parent.runningPid() != null) {
                copyRunning(source, target, from, scratch, asAccount);
            } else if (cleanlyStopped(source, from)) {
                FileClones.copyTree(asAccount, from, scratch);
            } else {
                throw new IllegalStateException("the parent's server is neither running nor cleanly stopped; the copy is tried again");
            }
            for (String leftover : List.of("postmaster.pid", "postmaster.opts", "recovery.signal", "standby.signal")) {
                Files.deleteIfExists(scratch.resolve(leftover));
            }
            writeSettings(target, scratch, false);
            PostgresCluster copy = new PostgresCluster(account, binRoot().resolve(target.version()).resolve("bin"), scratch, inst.resolve("server.log"));
            try {
                copy.start();
                awaitPromoted(target, copy, inst.resolve("server.log"));
                adopt(target, source.username(), source.databaseName());
            } finally {
                copy.stop("fast");
            }
            LocalInstances.swapIn(data, scratch, old);
            instances.writePrivate(marker, token + "\n" + method.words() + "\n");
            return method.words();
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("copying the parent's data: " + e.getMessage(), e);
        }
    }

    /** The files of a running server, inside a base backup; the WAL written meanwhile copied after its end. */
    private void copyRunning(InstanceSpec source, InstanceSpec target, Path from, Path scratch,
                             java.util.function.Function<List<String>, CommandResult> asAccount) throws SQLException, IOException {
        boolean v15 = Integer.parseInt(source.version()) >= 15;
        String slot = "strata_clone_" + target.id().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = admin(source); Statement s = c.createStatement()) {
            // the session holds the backup and a temporary slot that keeps every WAL segment from here until it ends
            s.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true, true)");
            s.execute(v15 ? "SELECT pg_backup_start('strata branch " + target.id() + "', true)"
                    : "SELECT pg_start_backup('strata branch " + target.id() + "', true, false)");
            String label;
            String spcmap;
            try {
                FileClones.copyTree(asAccount, from, scratch, true);
            } finally {
                try (ResultSet rs = s.executeQuery(v15 ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
                        : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)")) {
                    rs.next();
                    label = rs.getString(1);
                    spcmap = rs.getString(2);
                }
            }
            Files.deleteIfExists(scratch.resolve("backup_label.old"));
            writeOwned(scratch.resolve("backup_label"), label);
            if (spcmap != null && !spcmap.isBlank()) {
                writeOwned(scratch.resolve("tablespace_map"), spcmap);
            }
            // every segment from the backup's start to its end, complete: copied while the slot still holds them
            FileClones.copyContents(asAccount, from.resolve("pg_wal"), scratch.resolve("pg_wal"));
        }
    }

    private void writeOwned(Path file, String content) throws IOException {
        Files.writeString(file, content);
        account.own(file);
    }

    /** The copy takes the target's identity: its admin and application passwords (the names are the parent's). */
    private void adopt(InstanceSpec target, String sourceUsername, String sourceDatabase) throws IOException {
        adoptRestored(target, new RestoreJob(null, null, null, null, sourceUsername, sourceDatabase, null, null, null, null));
    }

    @Override
    public Duration archiveInterval() {
        return ARCHIVE_INTERVAL;
    }

    /**
     * Closes the current WAL segment of a running server that archives (it has a backup configuration) when a
     * transaction wrote since the last time (the next transaction id moved on); the server's archiver then pushes
     * it. Background records alone (a standby snapshot after the switch itself) do not count, or an idle database
     * would archive a segment at every call.
     */
    @Override
    public void shipArchive(InstanceSpec spec, String key, BackupRepositoryAccess repository) {
        Path inst = instanceDir(spec);
        if (runningPid(spec) == null || !Files.exists(inst.resolve(PgBackRest.CONFIG))) {
            return;
        }
        try {
            CommandResult x = psql(spec, "SELECT pg_snapshot_xmax(pg_current_snapshot());\n");
            if (!x.ok()) {
                throw new IllegalStateException("reading the next transaction id failed: " + x.tail());
            }
            String xmax = x.output().trim();
            Path mark = inst.resolve("wal-switched-at-xid");
            if (Files.exists(mark) && Files.readString(mark).trim().equals(xmax)) {
                return; // nothing committed since the last switch
            }
            CommandResult r = psql(spec, "SELECT pg_switch_wal();\n");
            if (!r.ok()) {
                throw new IllegalStateException("pg_switch_wal() failed: " + r.tail());
            }
            Files.writeString(mark, xmax + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("closing the WAL segment of " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes the archive of a running server reach the present: a transaction commits (so that recovery to any earlier
     * instant finds a commit after it and stops there), the WAL segment is closed, and Strata waits until the
     * archiver has pushed it. A server that does not run has archived everything when it stopped.
     */
    private void archiveNow(InstanceSpec source) throws IOException {
        if (runningPid(source) == null) {
            return;
        }
        CommandResult r = psql(source, "SELECT txid_current();\nSELECT pg_walfile_name(pg_switch_wal());\n");
        String[] lines = r.output().trim().split("\\R");
        if (!r.ok() || lines.length < 2) {
            throw new IllegalStateException("cannot close the WAL segment of " + source.id() + ": " + r.tail());
        }
        String segment = lines[lines.length - 1].trim();
        long until = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
        while (true) {
            CommandResult a = psql(source, "SELECT coalesce(last_archived_wal, '') || '|' || coalesce(last_failed_wal, '') || '|' || failed_count FROM pg_stat_archiver;");
            String[] f = a.output().trim().split("\\|", -1);
            if (a.ok() && f.length == 3 && f[0].compareTo(segment) >= 0) {
                return;
            }
            if (System.currentTimeMillis() > until) {
                throw new IllegalStateException("the WAL archive of " + source.id() + " does not reach the present: segment " + segment
                        + " was not archived within 2 minutes" + (a.ok() && f.length == 3 && !f[1].isEmpty() ? " (archiving " + f[1] + " failed)" : ""));
            }
            InstanceFiles.pause(100);
        }
    }

    /**
     * Starts a restored data directory and waits until recovery is done. When the archive ends before a
     * point-in-time target (nothing was committed after it, or the archive is behind), PostgreSQL stops with
     * {@value #TARGET_NOT_REACHED}; the target is then dropped and the server recovers to the end of the archive:
     * the latest state there is, rather than a failure.
     */
    private void startRecovered(InstanceSpec target, PostgresCluster restored, Path scratch, Path log, RestoreJob job) throws IOException {
        long logFrom = Files.exists(log) ? Files.size(log) : 0;
        try {
            restored.start();
            awaitPromoted(target, restored, log);
        } catch (IllegalStateException e) {
            if (job.pointInTime() == null || !logSince(log, logFrom).contains(TARGET_NOT_REACHED)) {
                throw e;
            }
            LOG.warning(() -> "restore of " + target.id() + " to " + job.pointInTime() + ": the archive ends before that moment;"
                    + " recovering to its end (the latest archived state)");
            restored.stop("immediate");
            forgetRecoveryTarget(scratch.resolve("postgresql.auto.conf"));
            restored.start();
            awaitPromoted(target, restored, log);
        }
    }

    private static String logSince(Path log, long from) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            if (len <= from) {
                return "";
            }
            byte[] b = new byte[(int) Math.min(len - from, 1 << 20)];
            f.seek(len - b.length);
            f.readFully(b);
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Drops only the recovery target (recovery then replays the whole archive). */
    private void forgetRecoveryTarget(Path autoConf) throws IOException {
        if (Files.exists(autoConf)) {
            List<String> kept = Files.readAllLines(autoConf).stream().filter(l -> !l.startsWith("recovery_target")).toList();
            replace(autoConf, String.join("\n", kept) + "\n");
        }
    }

    /** Until the restored server has finished recovery and accepts writes (it promotes itself at the backup's end). */
    private void awaitPromoted(InstanceSpec spec, PostgresCluster restored, Path log) throws IOException {
        long until = System.currentTimeMillis() + Duration.ofMinutes(30).toMillis();
        while (true) {
            if (restored.runningPid() == null) {
                throw new IllegalStateException("the restored server stopped during recovery" + LocalInstances.logTail(log));
            }
            CommandResult r = psql(spec, "SELECT pg_is_in_recovery();");
            if (r.ok() && r.output().trim().equals("f")) {
                return;
            }
            if (System.currentTimeMillis() > until) {
                throw new IllegalStateException("the restored server did not finish recovery within 30 minutes: " + r.tail());
            }
            InstanceFiles.pause(100);
        }
    }

    /**
     * The restored server takes the target's identity: its admin and application passwords, and (restored into a new
     * database) the new application user and database names.
     */
    private void adoptRestored(InstanceSpec target, RestoreJob job) throws IOException {
        StringBuilder sql = new StringBuilder("\\set ON_ERROR_STOP on\n");
        sql.append("ALTER ROLE ").append(ident(ADMIN_USER)).append(" PASSWORD ").append(literal(target.adminPassword())).append(";\n");
        if (job.sourceUsername() != null && !job.sourceUsername().equals(target.username())) {
            sql.append("ALTER ROLE ").append(ident(job.sourceUsername())).append(" RENAME TO ").append(ident(target.username())).append(";\n");
        }
        sql.append("ALTER ROLE ").append(ident(target.username())).append(" PASSWORD ").append(literal(target.password())).append(";\n");
        if (job.sourceDatabase() != null && !job.sourceDatabase().equals(target.databaseName())) {
            sql.append("ALTER DATABASE ").append(ident(job.sourceDatabase())).append(" RENAME TO ").append(ident(target.databaseName())).append(";\n");
        }
        CommandResult r = psql(target, sql.toString());
        if (!r.ok()) {
            throw new IllegalStateException("the restored server did not take the database's users: " + r.tail().replace(target.password(), "***")
                    .replace(target.adminPassword(), "***"));
        }
    }

    /** psql as strata_admin on the private socket (peer authentication); the SQL on standard input, never in argv. */
    private CommandResult psql(InstanceSpec spec, String sql) throws IOException {
        return account.runAsAccount(List.of(bin(spec, "psql"), "-X", "-q", "-t", "-A", "-h", socketDir(spec).toString(),
                "-p", String.valueOf(spec.port()), "-U", ADMIN_USER, "-d", "postgres"), sql, Duration.ofMinutes(5));
    }

    /** Drops the recovery settings pgBackRest wrote (restore_command names a file that is gone after the restore). */
    private void forgetRecoverySettings(Path autoConf) throws IOException {
        if (!Files.exists(autoConf)) {
            return;
        }
        List<String> kept = Files.readAllLines(autoConf).stream()
                .filter(l -> !l.startsWith("restore_command") && !l.startsWith("recovery_target")).toList();
        replace(autoConf, String.join("\n", kept) + "\n");
    }

    // --- spare servers of the warm pool ---

    /** The role and database a spare keeps for its database-to-be: no login, no password, no objects. */
    static final String SPARE_OWNER = "strata_spare";

    @Override
    public Engine engine() {
        return Engine.POSTGRESQL;
    }

    /**
     * A spare: made as a database's server is (template copy, single-user setup, settings, TLS files, start on its
     * port), but its setup gives the admin the spare's own password and makes an empty database {@value #SPARE_OWNER}
     * owned by a role of that name that cannot log in. Assigning renames both, so the database's users cost a few
     * catalog updates instead of a CREATE DATABASE.
     */
    @Override
    public void startSpare(InstanceSpec spare) {
        try {
            bin(spare, "pg_ctl");
            instances.prepare(spare);
            PostgresCluster cluster = cluster(spare);
            if (!cluster.initialised()) {
                initialise(spare, false, "ALTER ROLE " + ident(ADMIN_USER) + " PASSWORD " + lineLiteral(spare.adminPassword()) + ";\n\n"
                        + "CREATE ROLE " + ident(SPARE_OWNER) + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;\n\n"
                        + "CREATE DATABASE " + ident(SPARE_OWNER) + " OWNER " + ident(SPARE_OWNER)
                        + (Integer.parseInt(spare.version()) >= 15 ? " STRATEGY = FILE_COPY" : "") + ";\n\n"
                        + "REVOKE ALL ON DATABASE " + ident(SPARE_OWNER) + " FROM PUBLIC;\n\n");
            }
            certificates.ensure(spare);
            writeSettings(spare);
            cluster.start();
            certificates.reloaded(spare);
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL " + spare.version() + " spare: " + e.getMessage(), e);
        }
    }

    /**
     * One transaction on the spare, as its admin: the spare's role and database take the database's names, the role
     * its password and the right to log in, the admin the database's admin password. Failed statements are not
     * logged with their text (which holds a password).
     */
    @Override
    public void assignSpare(InstanceSpec spare, InstanceSpec target) {
        try (Connection c = connect(spare, ADMIN_USER, spare.adminPassword(), "postgres"); Statement s = c.createStatement()) {
            s.execute("SET log_min_error_statement = panic");
            c.setAutoCommit(false);
            s.execute("ALTER ROLE " + ident(SPARE_OWNER) + " RENAME TO " + ident(target.username()));
            s.execute("ALTER ROLE " + ident(target.username()) + " LOGIN PASSWORD " + literal(target.password()));
            s.execute("ALTER DATABASE " + ident(SPARE_OWNER) + " RENAME TO " + ident(target.databaseName()));
            s.execute("ALTER ROLE " + ident(ADMIN_USER) + " PASSWORD " + literal(target.adminPassword()));
            c.commit();
        } catch (SQLException e) {
            String m = String.valueOf(e.getMessage()).replace(target.password(), "***").replace(target.adminPassword(), "***")
                    .replace(spare.adminPassword(), "***");
            throw new IllegalStateException("the spare PostgreSQL server did not take the database's users: " + m);
        }
    }

    // --- steps ---

    /**
     * The data directory, copied from the major's template into a scratch directory and set up there: the admin's own
     * password, the application role and its database, made by a single-user backend (no listener at all) before
     * the directory is renamed into place. The server's port therefore never accepts a connection before the
     * credentials published for it work: an early client sees "connection refused" or "starting up", never a
     * password or unknown-database error. A crash before the rename leaves only the scratch directory, made again.
     */
    private void initialise(InstanceSpec spec, boolean fresh) throws IOException {
        initialise(spec, fresh, setUpSql(spec));
    }

    /**
     * As {@link #initialise(InstanceSpec, boolean)}, with {@code sql} for the single-user backend; {@code fresh}: the
     * instance directory did not exist, so no setup of a killed Strata can be running in it.
     */
    private void initialise(InstanceSpec spec, boolean fresh, String sql) throws IOException {
        Path scratch = instanceDir(spec).resolve("data.init");
        if (!fresh) {
            instances.killAll(spec, scratch); // a setup of a Strata that was killed
        }
        try {
            templates.copy(template(spec), scratch, List.of(bin(spec, "postgres"), "--single", "-D", scratch.toString(), "-j",
                    "-c", "exit_on_error=on", "-c", "log_min_error_statement=panic", "-c", "log_checkpoints=off", "-c", "fsync=off",
                    "-c", "password_encryption=scram-sha-256", "postgres"), sql);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage().replace(spec.password(), "***").replace(spec.adminPassword(), "***"), e);
        }
        Files.move(scratch, dataDir(spec), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The database's users and database, for {@code postgres --single} in a copy of the template, on its standard
     * input (never in argv). Any error ends the backend with a failure ({@code exit_on_error}); failed statements are
     * not logged ({@code log_min_error_statement}), so no password reaches a log. {@code fsync} is off: the copy is
     * synced as a whole before it is put in place.
     */
    private static String setUpSql(InstanceSpec spec) {
        for (String name : List.of(spec.username(), spec.databaseName())) {
            if (name.contains("\n") || name.contains("\r")) {
                throw new IllegalStateException("a user or database name cannot hold a line break");
            }
        }
        // -j: a statement ends with a semicolon and an empty line; the literals hold no line breaks (E'' escapes)
        return "ALTER ROLE " + ident(ADMIN_USER) + " PASSWORD " + lineLiteral(spec.adminPassword()) + ";\n\n"
                + "CREATE ROLE " + ident(spec.username()) + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD "
                + lineLiteral(spec.password()) + ";\n\n"
                + "CREATE DATABASE " + ident(spec.databaseName()) + " OWNER " + ident(spec.username())
                // a copy of template1's files rather than its pages through the WAL: about half the time (15 and later)
                + (Integer.parseInt(spec.version()) >= 15 ? " STRATEGY = FILE_COPY" : "") + ";\n\n"
                + "REVOKE ALL ON DATABASE " + ident(spec.databaseName()) + " FROM PUBLIC;\n\n";
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

    /**
     * Password (SCRAM) logins over TCP; on the private Unix socket only the account's own tools (pgBackRest, psql
     * during a restore) as {@code strata_admin}, by peer authentication (pg_ident.conf map {@code strata}).
     */
    private String hba() {
        // STRATA_TLS_MODE=require: TCP logins over TLS only (hostssl); a plain connection finds no line and is refused
        String host = config.tlsMode() == TlsMode.REQUIRE ? "hostssl" : "host";
        StringBuilder sb = new StringBuilder("# Managed by Strata. Password (SCRAM) logins over TCP; the private socket is for Strata's own tools.\n")
                .append("# TYPE  DATABASE  USER  ADDRESS  METHOD\n")
                .append("local all " + ADMIN_USER + " peer map=strata\n")
                .append(host + " all all 127.0.0.1/32 scram-sha-256\n")
                .append(host + " all all ::1/128 scram-sha-256\n");
        String bind = config.bindAddress();
        if (!bind.equals("127.0.0.1") && !bind.equals("localhost") && !bind.equals("::1")) {
            sb.append(host + " all all 0.0.0.0/0 scram-sha-256\n" + host + " all all ::/0 scram-sha-256\n");
        }
        return sb.toString();
    }

    /**
     * The directory of the server's Unix socket: short (a socket path has at most 107 bytes), private to the account
     * ({@code /tmp/strata-<account>/pg-<port>}, 0700). Only Strata's own tools use it.
     */
    private Path socketDir(InstanceSpec spec) throws IOException {
        Path parent = Path.of("/tmp", "strata-" + account.name());
        Path dir = parent.resolve("pg-" + spec.port());
        for (Path p : List.of(parent, dir)) {
            if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
                account.own(p);
            }
            if (!account.owns(p) || !Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    .equals(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))) {
                throw new IllegalStateException(p + " must be a directory of " + account.name() + " with mode 0700 (it holds a server's socket)");
            }
        }
        return dir;
    }

    /** Writes strata.conf, pg_hba.conf and pg_ident.conf from the spec; true when one changed (the server then needs a restart). */
    private boolean writeSettings(InstanceSpec spec) throws IOException {
        return writeSettings(spec, dataDir(spec), true);
    }

    /**
     * The settings of {@code data}; without {@code network}, the server listens on its private socket only (a restored
     * or copied data directory that still has its source's users and passwords while Strata makes them the target's).
     */
    private boolean writeSettings(InstanceSpec spec, Path data, boolean network) throws IOException {
        long mib = spec.memory().mebibytes();
        int cores = (int) Math.max(1, (spec.cpu().millicores() + 999) / 1000);
        String settings = "# Managed by Strata from the database's spec; changes here are overwritten.\n"
                + "listen_addresses = '" + (network ? config.bindAddress() : "") + "'\n"
                + "port = " + spec.port() + "\n"
                + "shared_buffers = " + Math.max(16, mib / 4) + "MB\n"
                + "effective_cache_size = " + Math.max(32, mib * 3 / 4) + "MB\n"
                + "max_parallel_workers = " + cores + "\n"
                + "max_parallel_workers_per_gather = " + Math.min(4, Math.max(0, cores - 1)) + "\n"
                + "password_encryption = 'scram-sha-256'\n"
                + "unix_socket_directories = '" + socketDir(spec) + "'\n"
                + "unix_socket_permissions = 0700\n"
                // WAL goes to the backup repository from the first backup on (a no-op before): see PgBackRest
                + "archive_mode = on\n"
                + "archive_command = '" + PgBackRest.archiveCommand(instanceDir(spec)).replace("'", "''") + "'\n"
                // a segment with changes is archived within a minute even when little is written (the RPO)
                + "archive_timeout = " + ARCHIVE_TIMEOUT.toSeconds() + "s\n"
                // after a crash, one syncfs() of the file system instead of an fsync() of every file: ~1 s less
                + "recovery_init_sync_method = syncfs\n"
                // the allowed extensions: libraries preloaded, pgextwlist for the untrusted ones (PostgresExtensions)
                + PostgresExtensions.settings(extensions(spec.version()),
                        PostgresExtensions.whitelistInstalled(installation(spec.version()).pkgLibDir()))
                + tlsSettings(spec);
        boolean changed = replace(data.resolve(SETTINGS_FILE), settings);
        changed |= replace(data.resolve("pg_hba.conf"), hba());
        changed |= replace(data.resolve("pg_ident.conf"), "# Managed by Strata\n# MAPNAME  SYSTEM-USERNAME  PG-USERNAME\nstrata " + account.name() + " " + ADMIN_USER + "\n");
        return changed;
    }

    /**
     * TLS with the instance's certificate from Strata's authority (made here if missing: a restored copy may start
     * before the first ensureRunning). The server re-reads both files on a reload (SIGHUP).
     */
    private String tlsSettings(InstanceSpec spec) throws IOException {
        if (!config.tlsMode().enabled()) {
            return "";
        }
        certificates.ensure(spec);
        return "ssl = on\n"
                + "ssl_cert_file = '" + certificates.certificate(spec) + "'\n"
                + "ssl_key_file = '" + certificates.key(spec) + "'\n"
                + "ssl_min_protocol_version = 'TLSv1.2'\n";
    }

    /** Replaces a file of the data directory atomically when its content differs; true when it did. */
    private boolean replace(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file).equals(content)) {
            return false;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
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
        // Strata's own connections stay on the loopback interface: no TLS handshake for each health check (it cost
        // CPU on every pass), except where the server accepts TLS only
        p.setProperty("sslmode", config.tlsMode() == TlsMode.REQUIRE ? "require" : "disable");
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
        return new PostgresCluster(account, binRoot().resolve(spec.version()).resolve("bin"), dataDir(spec), instanceDir(spec).resolve("server.log"),
                Path.of("/tmp", "strata-" + account.name(), "pg-" + spec.port()));
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

    /** A string literal on one line (line breaks as E'' escapes): for the single-user backend's input. */
    private static String lineLiteral(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'";
    }

}
