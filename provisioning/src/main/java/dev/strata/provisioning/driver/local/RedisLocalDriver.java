package dev.strata.provisioning.driver.local;

import dev.strata.domain.backup.BackupCapability;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Redis as a dedicated local {@code redis-server} per database: an ACL user with the database's password (the
 * default user is disabled; administrative commands but {@code CONFIG GET} are denied), append-only-file
 * persistence in the instance's own directory so data survives crashes, restarts, sleep and wake, and
 * {@code maxmemory} from the spec's memory. The version offered is the installed server's major.minor.
 */
@ApplicationScoped
@DriverPlace("local")
public class RedisLocalDriver implements EngineDriver, QuickLiveness, BackupCapability, dev.strata.domain.database.ClientConnections,
        SpareServers {

    static final String ADMIN_USER = "strata_admin";
    private static final java.time.Duration BACKUP_TIMEOUT = java.time.Duration.ofHours(6);
    private static final String BASE = "appendonly.aof.1.base.rdb";

    private static final Pattern VERSION = Pattern.compile("v=(\\d+\\.\\d+)\\.\\d+");

    @Inject
    StrataConfig config;

    @Inject
    HostAccount account;

    @Inject
    LocalInstances instances;

    @Inject
    ServerCertificates certificates;

    private volatile String installedVersion;

    @Override
    public List<EngineOffer> offers() {
        String version = installedVersion();
        return version == null ? List.of() : List.of(new EngineOffer(Engine.REDIS, List.of(version)));
    }

    private String installedVersion() {
        if (installedVersion == null) {
            installedVersion = instances.installedVersion(VERSION, server());
        }
        return installedVersion;
    }

    @Override
    public boolean needsPort() {
        return true;
    }

    /**
     * Redis serves plain and TLS connections on separate ports: with {@code STRATA_TLS_MODE=prefer} a new database
     * gets a second port for TLS. With {@code require} its one port speaks TLS only.
     */
    @Override
    public boolean needsTlsPort() {
        return config.tlsMode() == TlsMode.PREFER;
    }

    /** Whether the server's main port speaks TLS only. */
    private boolean tlsOnly() {
        return config.tlsMode() == TlsMode.REQUIRE;
    }

    /** Strata's own connections verify the server against its authority when they must use TLS. */
    private javax.net.ssl.SSLSocketFactory mainPortTls() {
        return tlsOnly() ? certificates.clientContext().getSocketFactory() : null;
    }

    @Override
    public InstanceObservation ensureRunning(InstanceSpec spec) {
        try {
            String installed = installedVersion();
            if (installed == null || !installed.equals(spec.version())) {
                return InstanceObservation.failed("Redis " + spec.version() + " is not installed on this host");
            }
            // a spare of the warm pool that took this database's user when it was created: its directory becomes ours
            boolean adopted = instances.adoptSpare(spec);
            // no instance directory yet: no process can work in it, none is looked for (a look reads all of /proc)
            String busy = Files.exists(instances.dir(spec)) ? instances.busy(spec, pid(instances.dir(spec))) : null;
            if (busy != null) {
                return InstanceObservation.notReady(busy);
            }
            Path inst = instances.prepare(spec);
            Path data = inst.resolve("data");
            if (!Files.isDirectory(data)) {
                Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!account.owns(data)) {
                account.own(data);
            }
            boolean renewed = certificates.ensure(spec);
            boolean changed = writeSettings(spec, inst);
            Long pid = pid(inst);
            // an adopted spare runs with the database's user, passwords, memory and ports already (given when it was
            // assigned); only the paths in the new redis.conf differ (its former directory's, now a link to this
            // one), which the server needs at its next start only: it is not restarted
            boolean restart = changed && !(adopted && pid != null);
            if (pid != null && restart && !InstanceFiles.terminate(pid, 60_000)) {
                return InstanceObservation.failed("redis-server (pid " + pid + ") did not stop for a restart");
            }
            if (pid == null || restart) {
                start(spec, inst);
            } else if (renewed && servesTls(spec)) {
                // setting a TLS file, even to the same path, makes Redis load its certificate and key again: no restart
                String answer = Resp.call("127.0.0.1", spec.port(), ADMIN_USER, spec.adminPassword(), mainPortTls(),
                        "CONFIG", "SET", "tls-cert-file", certificates.certificate(spec).toString());
                if (!"+OK".equals(answer)) {
                    return InstanceObservation.failed("redis-server did not load its renewed certificate: " + answer);
                }
            }
            if (renewed) {
                certificates.reloaded(spec);
            }
            if (adopted) {
                instances.spareAdopted(spec);
            }
            return observe(spec);
        } catch (IOException e) {
            return InstanceObservation.failed("Redis: " + e.getMessage());
        } catch (IllegalStateException e) {
            return InstanceObservation.failed(e.getMessage());
        }
    }

    @Override
    public InstanceObservation observe(InstanceSpec spec) {
        Path inst = instances.dir(spec);
        if (!Files.exists(inst.resolve("redis.conf"))) {
            return InstanceObservation.notReady("the server is being created");
        }
        if (pid(inst) == null) {
            return spec.sleeping() ? InstanceObservation.stoppedOnPurpose() : InstanceObservation.notReady("the server process is not running");
        }
        String answer = Resp.ping("127.0.0.1", spec.port(), spec.username(), spec.password(), mainPortTls());
        return answer == null ? InstanceObservation.ready(instances.storageUsed(spec))
                : InstanceObservation.notReady("the server does not answer yet: " + answer);
    }

    @Override
    public int clientConnections(InstanceSpec spec) {
        return Resp.clientsOtherThan("127.0.0.1", spec.port(), ADMIN_USER, spec.adminPassword(), mainPortTls());
    }

    @Override
    public Long serverPid(InstanceSpec spec) {
        return pid(instances.dir(spec));
    }

    @Override
    public InstanceObservation stop(InstanceSpec spec) {
        return instances.stopServer(pid(instances.dir(spec)), "redis-server");
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
        if (tlsOnly()) {
            return new ConnectionInfo(instances.uri("rediss", spec, "0"), spec.username(), spec.password(), config.publicHost(),
                    spec.port(), "0", null);
        }
        String tlsUri = servesTls(spec) ? instances.uri("rediss", spec.tlsPort(), spec, "0") : null;
        return new ConnectionInfo(instances.uri("redis", spec, "0"), spec.username(), spec.password(), config.publicHost(),
                spec.port(), "0", null, tlsUri);
    }

    /** Whether the server takes TLS connections: on its port (require), or on its TLS port (prefer, databases that have one). */
    private boolean servesTls(InstanceSpec spec) {
        TlsMode mode = config.tlsMode();
        return mode == TlsMode.REQUIRE || mode == TlsMode.PREFER && spec.tlsPort() != null;
    }

    /**
     * TLS settings: the certificate from Strata's authority on the TLS port (a separate one in prefer mode, the
     * only one in require mode: {@code port 0} closes the plain one). Clients need no certificate of their own. The
     * spec's ports are the server's: once the database has slept, loopback ports behind the front door, which holds
     * the public port and the public TLS port.
     */
    private String tlsSettings(InstanceSpec spec) {
        if (!servesTls(spec)) {
            return "port " + spec.port() + "\n";
        }
        return (tlsOnly() ? "port 0\ntls-port " + spec.port() + "\n" : "port " + spec.port() + "\ntls-port " + spec.tlsPort() + "\n")
                + "tls-cert-file " + certificates.certificate(spec) + "\n"
                + "tls-key-file " + certificates.key(spec) + "\n"
                + "tls-ca-cert-file " + certificates.authorityFile(spec) + "\n"
                + "tls-auth-clients no\n"
                + "tls-protocols \"TLSv1.2 TLSv1.3\"\n";
    }

    private boolean writeSettings(InstanceSpec spec, Path inst) throws IOException {
        int cores = (int) Math.max(1, (spec.cpu().millicores() + 999) / 1000);
        String settings = "# Managed by Strata from the database's spec; changes here are overwritten.\n"
                + "bind " + config.bindAddress() + "\n"
                + tlsSettings(spec)
                + "protected-mode yes\n"
                + "daemonize no\n"
                + "pidfile " + inst.resolve("redis.pid") + "\n"
                + "logfile " + inst.resolve("server.log") + "\n"
                + "dir " + inst.resolve("data") + "\n"
                + "appendonly yes\n"
                + "appendfsync everysec\n"
                + "save 3600 1 300 100 60 10000\n"
                + "maxmemory " + spec.memory().bytes() + "\n"
                + "maxmemory-policy noeviction\n"
                + "io-threads " + Math.min(8, cores) + "\n"
                + "user default off\n"
                // a spare of the warm pool has no application user until it is assigned (assignSpare)
                + (isSpare(spec) ? "" : "user " + spec.username() + " on >" + spec.password() + " " + String.join(" ", USER_RULES) + "\n")
                // Strata's own: backups (redis-cli --rdb needs the replication commands)
                + "user " + ADMIN_USER + " on >" + spec.adminPassword() + " ~* &* +@all\n";
        Path file = inst.resolve("redis.conf");
        if (Files.exists(file) && Files.readString(file).equals(settings)) {
            return false;
        }
        instances.writePrivate(file, settings);
        return true;
    }

    private void start(InstanceSpec spec, Path inst) {
        account.startDetached(List.of(server(), inst.resolve("redis.conf").toString()), inst.resolve("console.log"));
        long started = System.currentTimeMillis();
        // a spare has no application user: it is ready when Strata's admin is answered
        String user = isSpare(spec) ? ADMIN_USER : spec.username();
        String password = isSpare(spec) ? spec.adminPassword() : spec.password();
        while (true) {
            if (Resp.ping("127.0.0.1", spec.port(), user, password, mainPortTls()) == null) {
                return;
            }
            long waited = System.currentTimeMillis() - started;
            if (waited > 3_000 && pid(inst) == null) {
                throw new IllegalStateException("redis-server exited while starting" + LocalInstances.logTail(inst.resolve("server.log")));
            }
            if (waited > 60_000) {
                throw new IllegalStateException("redis-server did not answer within 60 s" + LocalInstances.logTail(inst.resolve("server.log")));
            }
            InstanceFiles.pause(10); // a refused connection costs nothing: the server answers within ~10 ms of listening
        }
    }

    private static Long pid(Path inst) {
        return InstanceFiles.livePid(inst.resolve("redis.pid"), "redis-server");
    }

    /** The application user's rules after its password: every key and channel, every command but administration. */
    private static final List<String> USER_RULES = List.of("~*", "&*", "+@all", "-@admin", "+config|get");

    private static boolean isSpare(InstanceSpec spec) {
        return spec.id().startsWith(LocalInstances.SPARE_PREFIX);
    }

    // --- spare servers of the warm pool ---

    @Override
    public Engine engine() {
        return Engine.REDIS;
    }

    /**
     * A spare: made and started as a database's server is (settings, TLS files, its ports: in prefer mode a TLS port
     * of its own, which becomes the database's TLS port), with no application user: the default user is off and
     * Strata's admin, with the spare's own password (in memory only), is its only user. No one else can connect,
     * so it holds no data.
     */
    @Override
    public void startSpare(InstanceSpec spare) {
        try {
            String installed = installedVersion();
            if (installed == null || !installed.equals(spare.version())) {
                throw new IllegalStateException("Redis " + spare.version() + " is not installed on this host");
            }
            if (config.tlsMode() == TlsMode.PREFER && spare.tlsPort() == null) {
                throw new IllegalStateException("a Redis spare needs a TLS port in STRATA_TLS_MODE=prefer");
            }
            Path inst = instances.prepare(spare);
            Path data = inst.resolve("data");
            if (!Files.isDirectory(data)) {
                Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                account.own(data);
            }
            certificates.ensure(spare);
            writeSettings(spare, inst);
            if (pid(inst) == null) {
                start(spare, inst);
            }
            certificates.reloaded(spare);
        } catch (IOException e) {
            throw new IllegalStateException("Redis " + spare.version() + " spare: " + e.getMessage(), e);
        }
    }

    /**
     * One connection to the spare as Strata's admin, with the spare's password: checks it is empty and has no such user, makes the
     * database's user with its password and the rules a cold create writes into redis.conf, sets the database's memory
     * limit, clears what the spare's own commands left in the statistics and logs, and gives the admin the database's
     * admin password (the spare's is gone: no one can use it any more). The ports are the spare's, which the
     * database was given. Passwords never appear in the messages.
     */
    @Override
    public void assignSpare(InstanceSpec spare, InstanceSpec target) {
        if (target.username().equals(ADMIN_USER) || target.username().equals("default")) {
            throw new IllegalStateException("the spare Redis server cannot take the user " + target.username() + " (Strata's or Redis's own)");
        }
        // no "reset": a new user made by ACL SETUSER starts from what a user of redis.conf starts from (reset would add
        // sanitize-payload, which a cold create's user does not have). The commands are pipelined, so those after a
        // check that fails (DBSIZE, the user new) run too: harmless, a spare that fails any of them is thrown away
        List<String> user = new java.util.ArrayList<>(List.of("ACL", "SETUSER", target.username(), "on", ">" + target.password()));
        user.addAll(USER_RULES);
        List<String[]> commands = List.of(
                new String[] {"DBSIZE"},
                new String[] {"ACL", "GETUSER", target.username()},
                user.toArray(String[]::new),
                new String[] {"CONFIG", "SET", "maxmemory", String.valueOf(target.memory().bytes())},
                new String[] {"CONFIG", "RESETSTAT"},
                new String[] {"SLOWLOG", "RESET"},
                new String[] {"ACL", "LOG", "RESET"},
                new String[] {"ACL", "SETUSER", ADMIN_USER, "resetpass", ">" + target.adminPassword()});
        // ACL GETUSER of a user that does not exist: a null reply ($-1; *-1 in some versions)
        List<String> expected = List.of(":0", "-1", "+OK", "+OK", "+OK", "+OK", "+OK", "+OK");
        try {
            List<String> answers = Resp.calls("127.0.0.1", spare.port(), ADMIN_USER, spare.adminPassword(), mainPortTls(), commands);
            for (int i = 0; i < commands.size(); i++) {
                String answer = answers.get(i);
                if (!(expected.get(i).equals("-1") ? answer.equals("$-1") || answer.equals("*-1") : expected.get(i).equals(answer))) {
                    throw new IllegalStateException(commands.get(i)[0] + " " + (commands.get(i).length > 1 ? commands.get(i)[1] : "")
                            + " answered " + answers.get(i));
                }
            }
        } catch (IOException | IllegalStateException e) {
            String m = String.valueOf(e.getMessage()).replace(target.password(), "***").replace(target.adminPassword(), "***")
                    .replace(spare.adminPassword(), "***");
            throw new IllegalStateException("the spare Redis server did not take the database's user: " + m);
        }
    }

    private static String server() {
        return Settings.get("STRATA_REDIS_SERVER").orElse("/usr/bin/redis-server");
    }


    // --- backups: an RDB snapshot of the running server (redis-cli --rdb), or a tar of a stopped server's files ---

    @Override
    public TakenBackup backup(InstanceSpec spec, BackupJob job) {
        Path inst = instances.dir(spec);
        Path data = inst.resolve("data");
        if (!Files.isDirectory(data)) {
            throw new IllegalStateException("the database has no data yet");
        }
        if (pid(inst) == null) {
            // asleep (or down): its append-only files are whole; taken as they are, the server is not started
            return StreamBackups.take(spec.id(), job, "aof-tar", "data.tar", out ->
                    account.pipeFrom(List.of("tar", "-C", data.toString(), "-cf", "-", "appendonlydir"), Map.of(), out, BACKUP_TIMEOUT));
        }
        Path rdb = inst.resolve("backup.rdb");
        try {
            Files.deleteIfExists(rdb);
            List<String> cli = new java.util.ArrayList<>(List.of(cli(), "-h", "127.0.0.1", "-p", String.valueOf(spec.port()), "--user", ADMIN_USER,
                    "--no-auth-warning", "--rdb", rdb.toString()));
            if (tlsOnly()) {
                cli.addAll(List.of("--tls", "--cacert", certificates.authorityFile(spec).toString()));
            }
            CommandResult r = account.runAsAccount(cli, "", BACKUP_TIMEOUT, Map.of("REDISCLI_AUTH", spec.adminPassword()));
            if (!r.ok() || !Files.exists(rdb)) {
                throw new IllegalStateException("redis-cli --rdb failed: " + r.tail());
            }
            CommandResult check = account.runAsAccount(List.of(checkRdb(), rdb.toString()), java.time.Duration.ofMinutes(30));
            if (!check.ok()) {
                throw new IllegalStateException("the RDB snapshot does not check out: " + check.tail());
            }
            return StreamBackups.take(spec.id(), job, "rdb", "dump.rdb", out -> Files.copy(rdb, out));
        } catch (IOException e) {
            throw new IllegalStateException("Redis backup: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(rdb);
            } catch (IOException ignored) {
                // removed at the next backup
            }
        }
    }

    @Override
    public void restore(InstanceSpec target, RestoreJob job) {
        try {
            instances.restoreData(target, job.token(), RedisLocalDriver::pid, "redis-server", scratch -> {
                String format = StreamBackups.format(job);
                if (format.equals("rdb")) {
                    // the snapshot becomes the base of a multi-part append-only file: what Redis loads at start
                    Path aof = Files.createDirectory(scratch.resolve("appendonlydir"));
                    StreamBackups.read(job, in -> Files.copy(in, aof.resolve(BASE)));
                    Files.writeString(aof.resolve("appendonly.aof.manifest"), "file " + BASE + " seq 1 type b\n");
                } else if (format.equals("aof-tar")) {
                    StreamBackups.read(job, in -> account.pipeInto(List.of("tar", "-C", scratch.toString(), "-xf", "-"), Map.of(), in, BACKUP_TIMEOUT));
                } else {
                    throw new IllegalStateException("backup " + job.backupId() + " has an unknown format " + format);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("Redis restore: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteBackup(RestoreJob backup) {
        StreamBackups.delete(backup);
    }

    private static String cli() {
        return Path.of(server()).resolveSibling("redis-cli").toString();
    }

    private static String checkRdb() {
        return Path.of(server()).resolveSibling("redis-check-rdb").toString();
    }
}
