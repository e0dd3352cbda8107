package dev.strata.provisioning.driver.local;

import dev.strata.domain.database.Engine;
import dev.strata.provisioning.config.PortRange;
import dev.strata.provisioning.config.Settings;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.config.TlsMode;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Checks at start, in local mode, that this host can hold as many database servers as {@code STRATA_PORT_RANGE}
 * allows ({@link HostCapacity}): logs one WARNING per shortfall (what is needed, what the host has, how to fix it)
 * and one line of what was checked. Nothing is refused: a host short of a limit holds fewer databases, and the
 * warnings say where it will fail. The findings are also in the readiness check's data ({@code /health/ready}).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class HostCapacityCheck {

    private static final Logger LOG = Logger.getLogger(HostCapacityCheck.class.getName());

    @Inject
    StrataConfig config;

    @Inject
    HostAccount account;

    private volatile List<HostCapacity.Finding> findings = List.of();
    private volatile boolean checked;

    @PostConstruct
    void atStart() {
        if (!config.driver().equals("local")) {
            return;
        }
        try {
            HostCapacity.Asked asked = asked();
            List<HostCapacity.Finding> found = HostCapacity.check(asked, asked.portRange() == null ? null : host());
            for (HostCapacity.Finding f : found) {
                LOG.warning("host capacity: " + f.message());
            }
            LOG.info(HostCapacity.summary(asked, found));
            findings = found;
            checked = true;
        } catch (RuntimeException e) {
            // a check must never keep Strata from starting
            LOG.warning("host capacity: could not be checked: " + e);
        }
    }

    /** The shortfalls found at start; empty when none, or when not checked (Kubernetes mode). */
    public List<HostCapacity.Finding> findings() {
        return findings;
    }

    /** Whether the check ran (local mode). */
    public boolean checked() {
        return checked;
    }

    HostCapacity.Asked asked() {
        PortRange range = null;
        String problem = null;
        try {
            range = config.portRange();
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        int spares = 0;
        for (Engine e : List.of(Engine.POSTGRESQL, Engine.MYSQL)) { // Redis keeps no spares
            try {
                spares += config.warmPoolSize(e);
            } catch (IllegalStateException invalid) {
                // reported by the warm pool itself
            }
        }
        Map<String, Integer> own = new LinkedHashMap<>();
        int http = config.httpPort();
        own.put("STRATA_HTTP_PORT", http);
        own.put("Payara's HTTPS, STRATA_HTTP_PORT + 1", http + 1);
        own.put("Payara's admin, STRATA_HTTP_PORT - 32", http - 32);
        own.put("Payara's JMS, STRATA_HTTP_PORT - 4", http - 4);
        own.put("STRATA_S3_PORT", config.s3Port());
        own.put("STRATA_S3_TLS_PORT", config.s3TlsPort());
        config.metadataPort().ifPresent(p -> own.put("STRATA_METADATA_PORT", p));
        return new HostCapacity.Asked(range, problem, spares, config.tlsMode() == TlsMode.PREFER, config.wakeOnConnect(), installedEngines(), own);
    }

    /** The engines whose servers are installed where the drivers look for them (no server is run to ask). */
    static Set<Engine> installedEngines() {
        Set<Engine> engines = EnumSet.noneOf(Engine.class);
        Path pgRoot = Path.of(Settings.get("STRATA_POSTGRES_BIN_ROOT").orElse("/usr/lib/postgresql"));
        try (DirectoryStream<Path> majors = Files.newDirectoryStream(pgRoot)) {
            for (Path major : majors) {
                if (Files.isExecutable(major.resolve("bin").resolve("postgres"))) {
                    engines.add(Engine.POSTGRESQL);
                }
            }
        } catch (IOException | RuntimeException e) {
            // none installed
        }
        if (Files.isExecutable(Path.of(Settings.get("STRATA_MARIADB_SERVER").orElse("/usr/sbin/mariadbd")))) {
            engines.add(Engine.MYSQL);
        }
        if (Files.isExecutable(Path.of(Settings.get("STRATA_REDIS_SERVER").orElse("/usr/bin/redis-server")))) {
            engines.add(Engine.REDIS);
        }
        return engines;
    }

    HostCapacity.Host host() {
        int[] eph = ephemeralPorts();
        Map<String, HostCapacity.Limit> jvm = parseLimits(read("/proc/self/limits"));
        String status = read("/proc/self/status");
        long threads = field(status, "Threads:");
        long openNow = countEntries(Path.of("/proc/self/fd"));
        boolean root = account.isRoot();
        String name = account.name();
        Integer uid = root ? uidOf(read("/etc/passwd"), name) : null;
        // the limits a server gets: asked of a shell started exactly as servers are (runuser applies limits.conf)
        HostCapacity.Limit files = null;
        HostCapacity.Limit procs = null;
        String seen;
        CommandResult r = probe(root);
        if (r != null && r.ok()) {
            Map<String, HostCapacity.Limit> seenByServer = parseLimits(r.output());
            files = seenByServer.get("Max open files");
            procs = seenByServer.get("Max processes");
        }
        if (files != null && procs != null) {
            seen = root ? "as account " + name + " gets it through runuser" : "inherited from Strata";
        } else {
            // the account does not exist yet (made at the first database): what a server would inherit
            files = jvm.get("Max open files");
            procs = jvm.get("Max processes");
            seen = "inherited from Strata; limits.conf entries for " + name + " would apply too";
        }
        // the tasks of the servers running now (a restart finds them): they are among the N, not other tasks of the host
        long serverTasks = root ? (uid == null ? 0 : tasksOf(uid)) : Math.max(0, tasksOf(uidField(status)) - threads);
        return new HostCapacity.Host(eph[0], eph[1], reservedPorts(read("/proc/sys/net/ipv4/ip_local_reserved_ports")),
                jvm.get("Max open files"), openNow, threads, name, !root, files, procs, seen,
                number(read("/proc/sys/kernel/pid_max")), number(read("/proc/sys/kernel/threads-max")),
                Math.max(0, hostTasks(read("/proc/loadavg")) - threads - serverTasks));
    }

    private CommandResult probe(boolean root) {
        // the process's own limits, in the format of Strata's (a shell's ulimit differs: dash has no -u)
        List<String> shell = List.of("cat", "/proc/self/limits");
        try {
            return root ? account.runAsAccount(shell, Duration.ofSeconds(10)) : account.runHere(shell, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int[] ephemeralPorts() {
        try {
            String[] v = read("/proc/sys/net/ipv4/ip_local_port_range").trim().split("\\s+");
            return new int[] {Integer.parseInt(v[0]), Integer.parseInt(v[1])};
        } catch (RuntimeException e) {
            return new int[] {0, 0};
        }
    }

    /** {@code /proc/<pid>/limits}: each limit by its name ("Max open files"), "unlimited" as {@link HostCapacity.Limit#UNLIMITED}. */
    static Map<String, HostCapacity.Limit> parseLimits(String text) {
        Map<String, HostCapacity.Limit> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("Max ")) {
                continue;
            }
            // columns are padded with spaces; a name has single spaces only
            String[] v = line.trim().split("\\s{2,}");
            try {
                out.put(v[0], new HostCapacity.Limit(limitValue(v[1]), limitValue(v[2])));
            } catch (RuntimeException e) {
                // a line of another shape
            }
        }
        return out;
    }

    static long limitValue(String v) {
        return v.equals("unlimited") ? HostCapacity.Limit.UNLIMITED : Long.parseLong(v);
    }

    /** {@code net.ipv4.ip_local_reserved_ports}: {@code 8080,15432-16431}. */
    static Set<Integer> reservedPorts(String text) {
        Set<Integer> out = new HashSet<>();
        for (String part : text.trim().split(",")) {
            try {
                String[] r = part.trim().split("-");
                if (r[0].isEmpty()) {
                    continue;
                }
                int lo = Integer.parseInt(r[0]);
                int hi = r.length > 1 ? Integer.parseInt(r[1]) : lo;
                for (int p = lo; p <= hi && p <= 65535; p++) {
                    out.add(p);
                }
            } catch (RuntimeException e) {
                // not a port or range
            }
        }
        return out;
    }

    /** The uid of {@code user} in an {@code /etc/passwd} text, null when there is none. */
    static Integer uidOf(String passwd, String user) {
        for (String line : passwd.split("\n")) {
            String[] f = line.split(":");
            if (f.length > 2 && f[0].equals(user)) {
                try {
                    return Integer.parseInt(f[2]);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The real uid of a {@code /proc/<pid>/status} text, -1 when it has none. */
    static int uidField(String status) {
        String[] f = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: -1").split("\\s+");
        try {
            return Integer.parseInt(f[1]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The tasks (threads) of the processes whose real uid is {@code uid}: the database servers when Strata runs as root. */
    private static long tasksOf(int uid) {
        long tasks = 0;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                String status = read(p.resolve("status").toString());
                if (uidField(status) == uid) {
                    tasks += Math.max(1, field(status, "Threads:"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return tasks;
    }

    /** The tasks that exist on the host: the total of {@code /proc/loadavg}'s running/total field. */
    static long hostTasks(String loadavg) {
        String[] f = loadavg.trim().split("\\s+");
        if (f.length < 4 || !f[3].contains("/")) {
            return 0;
        }
        return Long.parseLong(f[3].substring(f[3].indexOf('/') + 1));
    }

    private static long field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name)).findFirst().map(l -> number(l.substring(name.length()))).orElse(0L);
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static long countEntries(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The text of a file of {@code /proc}. Read in one go: a sysctl file ({@code /proc/sys/kernel/pid_max}) answers
     * only a read from offset 0, and {@code Files.readString} of a file whose size shows as 0 reads its first byte
     * alone (it read "3" of "32768").
     */
    static String read(String file) {
        try (var in = Files.newInputStream(Path.of(file))) {
            return new String(in.readNBytes(1 << 20), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
