package dev.strata.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What is really on this host: processes and directories of local database servers. */
public final class Host {

    public static final Path DATA_DIR = Path.of(System.getProperty("it.data.dir"));

    private Host() {
    }

    public static Path instanceDir(String dbId) {
        return DATA_DIR.resolve("instances").resolve(dbId);
    }

    /** Executable names (as in {@code /proc/<pid>/comm}) of the database servers Strata runs. */
    private static final Set<String> SERVER_NAMES = Set.of("postgres", "mariadbd", "mysqld", "redis-server");

    /**
     * Pids of this database's live server main processes, for any engine (normally exactly one, none when stopped).
     * Found two ways, so that a stray second server would show up too: the pid file the server writes
     * (PostgreSQL {@code data/postmaster.pid}, MariaDB {@code mariadbd.pid}, Redis {@code redis.pid}) and every
     * server process whose command line or working directory lies in the instance directory. Worker processes
     * of a server (PostgreSQL backends, a Redis rewrite child) are not counted: only the topmost server process.
     */
    public static List<Long> serverProcesses(String dbId) {
        Set<Long> candidates = new LinkedHashSet<>();
        pidFromPidFile(dbId).ifPresent(candidates::add);
        String dir = instanceDir(dbId).toString();
        ProcessHandle.allProcesses().forEach(p -> {
            long pid = p.pid();
            if (isServer(pid) && isRunning(pid) && !isWorkerTitle(cmdline(pid))
                    && (mentions(cmdline(pid), dir) || under(cwd(pid), dir))) {
                candidates.add(pid);
            }
        });
        List<Long> pids = new ArrayList<>();
        for (Long pid : candidates) {
            boolean child = ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                    .map(parent -> candidates.contains(parent.pid())).orElse(false);
            if (!child) {
                pids.add(pid);
            }
        }
        return pids;
    }

    /** The pid in this database's server pid file, if that process is running and is a database server. */
    public static Optional<Long> pidFromPidFile(String dbId) {
        Path dir = instanceDir(dbId);
        for (Path file : List.of(dir.resolve("data").resolve("postmaster.pid"), dir.resolve("mariadbd.pid"), dir.resolve("redis.pid"))) {
            try {
                String first = Files.readString(file).lines().findFirst().orElse("").trim();
                long pid = Long.parseLong(first);
                if (pid > 0 && isRunning(pid) && isServer(pid)) {
                    return Optional.of(pid);
                }
            } catch (IOException | NumberFormatException e) {
                // no pid file (stopped, never started) or one being written: look at the next
            }
        }
        return Optional.empty();
    }

    /** The executable name of a process ({@code /proc/<pid>/comm}: "postgres", "mariadbd", "redis-server"), or "". */
    public static String processName(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean isServer(long pid) {
        return SERVER_NAMES.contains(processName(pid));
    }

    /** Process titles of a server's workers, which outlive a killed main process for a moment. */
    private static boolean isWorkerTitle(String cmdline) {
        return cmdline.startsWith("postgres: ") || cmdline.startsWith("redis-rdb") || cmdline.startsWith("redis-aof");
    }

    private static boolean mentions(String cmdline, String dir) {
        return cmdline.contains(dir + "/") || cmdline.endsWith(dir) || cmdline.contains(dir + " ");
    }

    private static boolean under(String path, String dir) {
        return path.equals(dir) || path.equals(dir + " (deleted)") || path.startsWith(dir + "/");
    }

    private static String cwd(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }

    /** Every process that has anything to do with this database: its server and the server's children. */
    public static List<Long> anyProcessOf(String dbId) {
        List<Long> pids = new ArrayList<>(serverProcesses(dbId));
        for (Long pid : List.copyOf(pids)) {
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        }
        return pids;
    }

    /** Every database server process whose command line names {@code dir} or that works in it (a warm pool's spare). */
    public static List<Long> anyProcessOfDir(Path dir) {
        String d = dir.toString();
        return ProcessHandle.allProcesses().map(ProcessHandle::pid)
                .filter(pid -> isServer(pid) && isRunning(pid) && (mentions(cmdline(pid), d) || under(cwd(pid), d))).toList();
    }

    /**
     * The databases' instance directories; hidden entries are Strata's own (e.g. {@code .removed}, where a deleted
     * database's directory waits for its files to be removed in the background: {@link #removedDirs()}).
     */
    public static List<String> instanceDirs() throws IOException {
        Path dir = DATA_DIR.resolve("instances");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /** Deleted databases' directories whose files are still being removed. */
    public static List<String> removedDirs() throws IOException {
        Path dir = DATA_DIR.resolve("instances").resolve(".removed");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Whether {@code pid} is a running process (a zombie waiting to be reaped by init is not). */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The version of {@code engine} installed on this host, as Strata names it: PostgreSQL's newest major under
     * {@code /usr/lib/postgresql} ("15"), MariaDB's and Redis's major.minor from the server binary ("10.11", "7.0").
     */
    public static String installedVersion(String engine) {
        return switch (engine) {
            case "postgresql" -> newestPostgresMajor();
            case "mysql" -> versionFrom(Pattern.compile("Ver (\\d+\\.\\d+)\\."), binary("mariadbd"), "--version");
            case "redis" -> versionFrom(Pattern.compile("v=(\\d+\\.\\d+)\\."), binary("redis-server"), "--version");
            default -> throw new IllegalArgumentException("no local server for engine " + engine);
        };
    }

    private static String newestPostgresMajor() {
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
            return dirs.map(p -> p.getFileName().toString()).filter(v -> v.matches("\\d+"))
                    .max(Comparator.comparingInt(Integer::parseInt)).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String binary(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        return name;
    }

    private static String versionFrom(Pattern pattern, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            Matcher m = pattern.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(String.join(" ", command) + " printed no version: " + out);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void kill9(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Each of {@link #serverProcesses}' pids with its parent, working directory and command line, for messages. */
    public static String describeServerProcesses(String dbId) {
        StringBuilder sb = new StringBuilder();
        for (long pid : serverProcesses(dbId)) {
            long parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
            sb.append("\n  pid ").append(pid).append(" (parent ").append(parent).append(", cwd ").append(cwd(pid)).append("): ")
                    .append(cmdline(pid));
        }
        return sb.toString();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }
}
