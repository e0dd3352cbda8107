package dev.strata.provisioning.driver.local;

import dev.strata.domain.database.Engine;
import dev.strata.provisioning.config.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whether this host can hold the database servers the configuration asks for: a pure function of what is asked
 * ({@link Asked}: the port range, the warm pools, TLS, wake on connect, the engines installed) and what the host has
 * ({@link Host}: the kernel's ephemeral ports, the limits of Strata's JVM and of the account servers run as, the
 * kernel's task limits), read by {@link HostCapacityCheck}. Each shortfall is one {@link Finding}: what is needed for
 * how many servers, what the host has, and how to fix it.
 * <p>
 * What is asked is the port range's size: every database server (a spare of the warm pool too) takes at least one
 * port of {@code STRATA_PORT_RANGE}, and nothing else bounds how many databases Strata creates, so the range is the
 * number of servers the host must be able to hold.
 */
public final class HostCapacity {

    private HostCapacity() {
    }

    /** A limit of the kind {@code getrlimit} gives; {@link #UNLIMITED} for "unlimited". */
    public record Limit(long soft, long hard) {
        public static final long UNLIMITED = Long.MAX_VALUE;

        public static Limit unlimited() {
            return new Limit(UNLIMITED, UNLIMITED);
        }
    }

    /**
     * Kernel tasks (processes and threads: both count against RLIMIT_NPROC, {@code kernel.pid_max} and
     * {@code kernel.threads-max}) of one server at rest, plus three client connections (PostgreSQL: a backend
     * process each; MariaDB: a thread each; Redis serves them on its main thread). At rest: PostgreSQL's postmaster,
     * checkpointer, background writer, WAL writer, autovacuum launcher, archiver ({@code archive_mode = on}) and
     * logical replication launcher; MariaDB's one process with about ten threads (InnoDB's, the signal handler, the
     * timer); Redis's main thread, three background I/O threads and jemalloc's.
     */
    static final Map<Engine, Integer> TASKS_PER_SERVER = Map.of(Engine.POSTGRESQL, 7 + 3, Engine.MYSQL, 10 + 3, Engine.REDIS, 5);

    /**
     * Open files a server asks for: PostgreSQL uses up to {@code max_files_per_process} (1000) per process within
     * its soft limit; MariaDB asks for 10 + max_connections (150) + 2 × table_open_cache (2000) and raises its own
     * soft limit up to the hard one; Redis asks for maxclients (10000) + 32 and does the same.
     */
    static final Map<Engine, Integer> OPEN_FILES_PER_SERVER = Map.of(Engine.POSTGRESQL, 1000, Engine.MYSQL, 4160, Engine.REDIS, 10032);

    /** What the control plane keeps open beyond what it had open at the check (JDBC pools, S3 clients, backups' pipes). */
    static final int JVM_OPEN_FILES_SPARE = 512;
    /**
     * Per database with wake on connect: the front door's listening socket on its public port (held from its first
     * sleep on) and one client connection passed through (two sockets).
     */
    static final int JVM_OPEN_FILES_PER_DATABASE = 3;
    /** Per database with wake on connect: the two threads copying one connection passed through the front door. */
    static final int JVM_THREADS_PER_DATABASE = 2;
    /** The metadata server Strata runs (a PostgreSQL server of the same account) and short-lived tools (pg_ctl, backups). */
    static final int ACCOUNT_TASKS_SPARE = 7 + 50;

    /**
     * What the configuration asks for. {@code portRangeProblem}: why {@code STRATA_PORT_RANGE} could not be read
     * ({@code portRange} is null then). {@code ownPorts}: Strata's own ports by name (HTTP, S3, metadata server).
     */
    public record Asked(PortRange portRange, String portRangeProblem, int warmPoolSpares, boolean redisTlsPort,
                        boolean wakeOnConnect, Set<Engine> engines, Map<String, Integer> ownPorts) {

        /** How many servers the range holds: one port each at least. */
        public int servers() {
            return portRange == null ? 0 : portRange.last() - portRange.first() + 1;
        }
    }

    /**
     * What the host has. {@code ephemeralFirst}/{@code ephemeralLast}: {@code net.ipv4.ip_local_port_range} (0 when
     * unknown); {@code reservedPorts}: {@code net.ipv4.ip_local_reserved_ports}. {@code jvmOpenFiles}: RLIMIT_NOFILE of
     * Strata's JVM, {@code jvmOpenNow} how many it has open, {@code jvmThreads} its threads. {@code account}: who the
     * servers run as; {@code accountIsStrata}: the JVM runs as that account too (its threads then count against the
     * same RLIMIT_NPROC). {@code serverOpenFiles}, {@code serverProcesses}: RLIMIT_NOFILE and RLIMIT_NPROC as a server
     * gets them (null when unknown); {@code serverLimitsSeen}: how they were found, in words. {@code pidMax},
     * {@code threadsMax}: the kernel's (0 when unknown); {@code otherTasks}: tasks on the host that are not Strata's
     * database servers.
     */
    public record Host(int ephemeralFirst, int ephemeralLast, Set<Integer> reservedPorts, Limit jvmOpenFiles, long jvmOpenNow,
                       long jvmThreads, String account, boolean accountIsStrata, Limit serverOpenFiles, Limit serverProcesses,
                       String serverLimitsSeen, long pidMax, long threadsMax, long otherTasks) {
    }

    /** One shortfall: {@code what} names the resource (stable, for the health check), {@code message} says it all. */
    public record Finding(String what, String message) {
    }

    /** The shortfalls, in a fixed order; empty when the host holds what is asked. */
    public static List<Finding> check(Asked asked, Host host) {
        List<Finding> out = new ArrayList<>();
        if (asked.portRange() == null) {
            out.add(new Finding("port-range", "STRATA_PORT_RANGE is not usable: " + asked.portRangeProblem()
                    + ". No local database can be created. Fix: set STRATA_PORT_RANGE to first-last below the kernel's ephemeral ports, e.g. 15432-16431"));
            return out;
        }
        portRange(asked, host, out);
        int n = asked.servers();
        Engine heaviest = heaviest(asked.engines(), TASKS_PER_SERVER);
        long tasksPerServer = TASKS_PER_SERVER.get(heaviest);
        long frontDoorThreads = asked.wakeOnConnect() ? (long) JVM_THREADS_PER_DATABASE * n : 0;

        long jvmFiles = host.jvmOpenNow() + JVM_OPEN_FILES_SPARE + (asked.wakeOnConnect() ? (long) JVM_OPEN_FILES_PER_DATABASE * n : 0);
        if (host.jvmOpenFiles() != null && host.jvmOpenFiles().soft() < jvmFiles) {
            out.add(new Finding("jvm-open-files", "open files of Strata's JVM: " + fmt(jvmFiles) + " needed for " + fmt(n) + " databases ("
                    + fmt(host.jvmOpenNow()) + " open now + " + JVM_OPEN_FILES_SPARE + " spare"
                    + (asked.wakeOnConnect() ? " + " + JVM_OPEN_FILES_PER_DATABASE + " per database for wake on connect: the front door's"
                    + " listening socket and a client connection passed through" : "") + "), its limit is " + limit(host.jvmOpenFiles().soft())
                    + " (RLIMIT_NOFILE, hard " + limit(host.jvmOpenFiles().hard()) + "). Fix: raise the limit of the process that starts Payara"
                    + " (`ulimit -n " + round(jvmFiles) + "` before it; ./strata run raises it to the hard limit itself),"
                    + " LimitNOFILE=" + round(jvmFiles) + " in its systemd unit, or `nofile` in /etc/security/limits.conf"));
        }

        if (host.serverProcesses() != null) {
            long accountTasks = tasksPerServer * n + ACCOUNT_TASKS_SPARE + (host.accountIsStrata() ? host.jvmThreads() + frontDoorThreads : 0);
            if (host.serverProcesses().soft() < accountTasks) {
                out.add(new Finding("account-processes", "processes of account " + host.account() + ": " + fmt(accountTasks) + " needed for "
                        + fmt(n) + " databases (" + tasksPerServer + " per " + name(heaviest) + " server, threads included, at rest with three"
                        + " connections; + the metadata server and tools" + (host.accountIsStrata() ? " + Strata's own " + fmt(host.jvmThreads())
                        + " threads" + (frontDoorThreads > 0 ? " and " + fmt(frontDoorThreads) + " for connections through the front door" : "") : "")
                        + "), the limit its servers get is " + limit(host.serverProcesses().soft()) + " (RLIMIT_NPROC, " + host.serverLimitsSeen()
                        + "). Fix: " + accountFix(host, "nproc", round(accountTasks))));
            }
        }

        long tasks = tasksPerServer * n + host.jvmThreads() + frontDoorThreads + host.otherTasks();
        String tasksWhy = fmt(tasksPerServer * n) + " for " + fmt(n) + " " + name(heaviest) + " servers + " + fmt(host.jvmThreads() + frontDoorThreads)
                + " of Strata's JVM" + (frontDoorThreads > 0 ? " (front door included)" : "") + " + " + fmt(host.otherTasks()) + " other tasks on the host now";
        if (host.pidMax() > 0 && host.pidMax() < tasks) {
            out.add(new Finding("pid-max", "kernel.pid_max: " + fmt(tasks) + " process ids needed (" + tasksWhy + "), the kernel hands out "
                    + fmt(host.pidMax()) + ". Fix: `sysctl -w kernel.pid_max=4194304`, kept in /etc/sysctl.d/90-strata.conf"));
        }
        if (host.threadsMax() > 0 && host.threadsMax() < tasks) {
            out.add(new Finding("threads-max", "kernel.threads-max: " + fmt(tasks) + " threads needed (" + tasksWhy + "), the kernel allows "
                    + fmt(host.threadsMax()) + ". Fix: `sysctl -w kernel.threads-max=" + round(tasks * 2) + "`, kept in /etc/sysctl.d/90-strata.conf"));
        }

        if (host.serverOpenFiles() != null) {
            List<String> short_ = new ArrayList<>();
            long want = 0;
            for (Engine e : new java.util.TreeSet<>(asked.engines())) {
                Integer files = OPEN_FILES_PER_SERVER.get(e);
                if (files == null) {
                    continue;
                }
                // PostgreSQL stays within its soft limit; MariaDB and Redis raise theirs up to the hard one
                long has = e == Engine.POSTGRESQL ? host.serverOpenFiles().soft() : host.serverOpenFiles().hard();
                if (has < files) {
                    short_.add(name(e) + " wants " + fmt(files) + " (" + (e == Engine.POSTGRESQL ? "soft" : "hard") + " limit " + limit(has) + ": "
                            + consequence(e, has) + ")");
                    want = Math.max(want, files);
                }
            }
            if (!short_.isEmpty()) {
                out.add(new Finding("server-open-files", "open files of each database server (RLIMIT_NOFILE, " + host.serverLimitsSeen() + "): "
                        + String.join("; ", short_) + ". Fix: " + accountFix(host, "nofile", round(Math.max(want, 65536)))));
            }
        }
        return out;
    }

    private static void portRange(Asked asked, Host host, List<Finding> out) {
        PortRange r = asked.portRange();
        int size = asked.servers();
        String range = "STRATA_PORT_RANGE " + r.first() + "-" + r.last();
        if (host.ephemeralFirst() > 0 && r.first() <= host.ephemeralLast() && r.last() >= host.ephemeralFirst()) {
            int overlap = 0;
            for (int p = Math.max(r.first(), host.ephemeralFirst()); p <= Math.min(r.last(), host.ephemeralLast()); p++) {
                if (!host.reservedPorts().contains(p)) {
                    overlap++;
                }
            }
            if (overlap > 0) {
                int lo = Math.max(r.first(), host.ephemeralFirst());
                int hi = Math.min(r.last(), host.ephemeralLast());
                out.add(new Finding("port-range-ephemeral", range + ": " + fmt(overlap) + " of its " + fmt(size) + " ports are among the kernel's"
                        + " ephemeral ports " + host.ephemeralFirst() + "-" + host.ephemeralLast() + " (net.ipv4.ip_local_port_range): an outgoing"
                        + " connection can take such a port before its database binds it. Fix: a range below " + host.ephemeralFirst()
                        + " (e.g. 15432-16431), or reserve the ports: `sysctl -w net.ipv4.ip_local_reserved_ports=" + lo + "-" + hi
                        + "`, kept in /etc/sysctl.d/90-strata.conf"));
            }
        }
        Map<Integer, String> clash = new TreeMap<>();
        asked.ownPorts().forEach((what, port) -> {
            if (port != null && port >= r.first() && port <= r.last()) {
                clash.merge(port, what, (a, b) -> a + ", " + b);
            }
        });
        if (!clash.isEmpty()) {
            List<String> named = new ArrayList<>();
            clash.forEach((port, what) -> named.add(port + " (" + what + ")"));
            out.add(new Finding("port-range-own-ports", range + " holds Strata's own ports " + String.join(", ", named)
                    + ": a database given one of them first keeps Strata's service from starting. Fix: a range that leaves them out,"
                    + " or move them (STRATA_HTTP_PORT, STRATA_S3_PORT, STRATA_S3_TLS_PORT, STRATA_METADATA_PORT)"));
        }
        if (asked.warmPoolSpares() >= size) {
            out.add(new Finding("port-range-warm-pool", range + " holds " + fmt(size) + " ports and the warm pools keep " + asked.warmPoolSpares()
                    + " spare servers on ports of it: no port is left for a database. Fix: widen the range or lower STRATA_WARM_POOL_<ENGINE>"));
        }
    }

    /**
     * One line about what was checked: how many servers and databases the range holds. A Redis database with
     * {@code STRATA_TLS_MODE=prefer} takes a second port, and a database that has slept with wake on connect one more
     * per port (its server's loopback port behind each port the front door holds).
     */
    public static String summary(Asked asked, List<Finding> findings) {
        if (asked.portRange() == null) {
            return "host capacity: not checked, STRATA_PORT_RANGE is not usable";
        }
        int n = asked.servers();
        int forDatabases = Math.max(0, n - asked.warmPoolSpares());
        boolean redisTls = asked.redisTlsPort() && asked.engines().contains(Engine.REDIS);
        // a port per port the front door holds: a Redis database's TLS port is held too, its server moves both
        int worst = (1 + (redisTls ? 1 : 0)) * (asked.wakeOnConnect() ? 2 : 1);
        String held = worst == 1 ? fmt(forDatabases) + " databases" : "from " + fmt(forDatabases / worst) + " to " + fmt(forDatabases) + " databases ("
                + (redisTls ? "a Redis database takes a second port for TLS" : "")
                + (redisTls && asked.wakeOnConnect() ? ", " : "")
                + (asked.wakeOnConnect() ? "a database that has slept one more for wake on connect" + (redisTls ? " per port" : "") : "") + ")";
        return "host capacity: STRATA_PORT_RANGE " + asked.portRange().first() + "-" + asked.portRange().last() + " holds " + fmt(n) + " ports: "
                + (asked.warmPoolSpares() > 0 ? asked.warmPoolSpares() + " for the warm pools' spares, " : "") + held
                + "; limits checked for " + fmt(n) + " database servers: "
                + (findings.isEmpty() ? "this host holds them" : findings.size() + (findings.size() == 1 ? " shortfall" : " shortfalls") + " (warnings above)");
    }

    /** The engine whose servers need most of {@code per}; PostgreSQL when none is installed (the default engine). */
    static Engine heaviest(Set<Engine> engines, Map<Engine, Integer> per) {
        Engine best = null;
        for (Engine e : engines) {
            if (per.containsKey(e) && (best == null || per.get(e) > per.get(best))) {
                best = e;
            }
        }
        return best == null ? Engine.POSTGRESQL : best;
    }

    private static String consequence(Engine e, long has) {
        return switch (e) {
            case REDIS -> "it lowers maxclients to " + fmt(Math.max(0, has - 32));
            case MYSQL -> "it shrinks table_open_cache";
            default -> "it closes and reopens files more often";
        };
    }

    private static String accountFix(Host host, String item, long value) {
        String key = item.equals("nproc") ? "NPROC" : "NOFILE";
        if (host.accountIsStrata()) {
            return "raise it for the user that runs Strata: `ulimit -" + (item.equals("nproc") ? "u" : "n") + " " + value
                    + "` before starting it, Limit" + key + "=" + value + " in its systemd unit, or `" + host.account() + " - " + item + " " + value
                    + "` in /etc/security/limits.d/strata.conf";
        }
        return "`" + host.account() + " - " + item + " " + value + "` in /etc/security/limits.d/strata.conf (servers are started through runuser,"
                + " whose PAM session applies it), or raise the limit Strata itself starts with (servers inherit it): Limit" + key + "=" + value
                + " in its systemd unit";
    }

    static String name(Engine e) {
        return switch (e) {
            case POSTGRESQL -> "PostgreSQL";
            case MYSQL -> "MariaDB";
            case REDIS -> "Redis";
            default -> e.wireName();
        };
    }

    private static String limit(long v) {
        return v == Limit.UNLIMITED ? "unlimited" : fmt(v);
    }

    static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** A round figure at least {@code v}: the next multiple of 1,024. */
    static long round(long v) {
        return (v + 1023) / 1024 * 1024;
    }
}
