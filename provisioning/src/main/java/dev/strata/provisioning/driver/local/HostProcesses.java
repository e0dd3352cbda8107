package dev.strata.provisioning.driver.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The processes on this host that belong to a directory of Strata's (an instance, a template, the metadata
 * server): every live process whose command line names a path in it or whose working directory lies in it. That
 * finds a server before it has written its pid file, its workers, and the helpers a previous Strata left running
 * when it was killed ({@code pg_ctl}, {@code runuser}, {@code cp}), so that a restarted Strata adopts or waits for
 * them and never starts a second server on the same files.
 */
public final class HostProcesses {

    /** Executable names of the database servers' main processes ({@code /proc/<pid>/comm}). */
    private static final Set<String> SERVERS = Set.of("postgres", "mariadbd", "mysqld", "redis-server");

    private HostProcesses() {
    }

    /** A live process: its pid, parent, executable name, command line (arguments joined by spaces) and working directory. */
    public record HostProcess(long pid, long parent, String name, String commandLine, String cwd) {

        /** A database server process (main process or one of its workers). */
        public boolean server() {
            return SERVERS.contains(name) || name.startsWith("redis-");
        }

        /**
         * A worker of a server (PostgreSQL's "postgres: checkpointer", a Redis rewrite child): never started by Strata
         * itself, and an orphan to be removed once its main process is gone.
         */
        public boolean worker() {
            return commandLine.startsWith("postgres: ") || name.startsWith("redis-rdb") || name.startsWith("redis-aof");
        }

        /**
         * A program of an engine: a server, one of its workers, or a tool that creates, starts, stops or backs one up
         * ({@code pg_ctl}, {@code initdb}, {@code mariadb-install-db}, ...; by its name, which for a script is the
         * script's). Anything else that happens to name an instance directory or work in it (an operator's
         * {@code tail -f} of a log, a shell) is none of Strata's business: never waited for, never killed.
         */
        public boolean engine() {
            return server() || worker() || name.equals("initdb") || name.startsWith("pg_") || name.startsWith("postgres")
                    || name.startsWith("mariadb") || name.startsWith("mysql") || name.startsWith("redis-")
                    || name.equals("pgbackrest") || name.equals("mbstream");
        }

        @Override
        public String toString() {
            String cmd = commandLine.length() > 120 ? commandLine.substring(0, 120) + "…" : commandLine;
            return "pid " + pid + " (" + cmd + ")";
        }
    }

    /**
     * Every live engine process ({@link HostProcess#engine}) of {@code dir}: naming it or working in it. Zombies
     * (dead, waiting to be reaped) are not live.
     */
    public static List<HostProcess> of(Path dir) {
        return of(dir, HostProcess::engine);
    }

    /** Every live process of {@code dir} (naming it or working in it) that {@code which} accepts. */
    public static List<HostProcess> of(Path dir, java.util.function.Predicate<HostProcess> which) {
        String d = dir.toAbsolutePath().normalize().toString();
        List<HostProcess> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : proc) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                // the working directory and the command line first: for nearly every process of the host that is
                // all there is to read (a whole read() of each cost ~65 ms per look on a busy host with 260 processes)
                if (!mentions(commandLine(pid), d) && !under(cwd(pid), d)) {
                    continue;
                }
                HostProcess hp = read(pid);
                if (hp != null && which.test(hp) && (mentions(hp.commandLine(), d) || under(hp.cwd(), d))) {
                    found.add(hp);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the processes of this host: " + e.getMessage(), e);
        }
        return found;
    }

    /** The process {@code pid} if it is alive (not a zombie), else null. */
    public static HostProcess read(long pid) {
        try {
            Path base = Path.of("/proc", Long.toString(pid));
            String stat = Files.readString(base.resolve("stat"));
            int close = stat.lastIndexOf(')');
            String[] rest = stat.substring(close + 2).split(" ");
            char state = rest[0].charAt(0);
            if (state == 'Z' || state == 'X') {
                return null;
            }
            String name = stat.substring(stat.indexOf('(') + 1, close);
            String cmd = new String(Files.readAllBytes(base.resolve("cmdline"))).replace('\0', ' ').strip();
            String cwd;
            try {
                cwd = Files.readSymbolicLink(base.resolve("cwd")).toString();
            } catch (IOException | SecurityException | UnsupportedOperationException e) {
                cwd = ""; // another account's process (when Strata is not root), or it just exited
            }
            return new HostProcess(pid, Long.parseLong(rest[1]), name, cmd, cwd);
        } catch (IOException | RuntimeException e) {
            return null; // gone meanwhile
        }
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ').strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String cwd(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).toString();
        } catch (IOException | RuntimeException e) {
            return ""; // another account's process (when Strata is not root), or it just exited
        }
    }

    /** SIGKILL to each process, then waits until all are gone; false if one outlived {@code millis}. */
    public static boolean kill(List<HostProcess> processes, long millis) {
        processes.forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
        long until = System.currentTimeMillis() + millis;
        for (HostProcess p : processes) {
            while (read(p.pid()) != null) {
                if (System.currentTimeMillis() > until) {
                    return false;
                }
                InstanceFiles.pause(10);
            }
        }
        return true;
    }

    /** The processes as a short list for a status message. */
    public static String describe(List<HostProcess> processes) {
        return processes.stream().limit(3).map(HostProcess::toString).collect(Collectors.joining(", "))
                + (processes.size() > 3 ? " and " + (processes.size() - 3) + " more" : "");
    }

    private static boolean mentions(String cmdline, String dir) {
        int i = cmdline.indexOf(dir);
        while (i >= 0) {
            int end = i + dir.length();
            if (end == cmdline.length() || cmdline.charAt(end) == '/' || cmdline.charAt(end) == ' ') {
                return true;
            }
            i = cmdline.indexOf(dir, i + 1);
        }
        return false;
    }

    private static boolean under(String path, String dir) {
        return path.equals(dir) || path.equals(dir + " (deleted)") || path.startsWith(dir + "/");
    }
}
