package dev.strata.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What is really on this host: processes and directories of local database servers. */
public final class Host {

    public static final Path DATA_DIR = Path.of(System.getProperty("it.data.dir"));

    private Host() {
    }

    public static Path instanceDir(String dbId) {
        return DATA_DIR.resolve("instances").resolve(dbId);
    }

    /** Pids of processes whose command line names this database's data directory (the server's main process). */
    public static List<Long> serverProcesses(String dbId) {
        String marker = instanceDir(dbId).resolve("data").toString();
        List<Long> pids = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            String cmd = cmdline(p.pid());
            if (cmd.contains(marker) && (cmd.contains("/bin/postgres") || cmd.contains("postgres -D"))) {
                pids.add(p.pid());
            }
        });
        return pids;
    }

    /** Every process that has anything to do with this database: its server and the server's children. */
    public static List<Long> anyProcessOf(String dbId) {
        List<Long> pids = new ArrayList<>(serverProcesses(dbId));
        for (Long pid : List.copyOf(pids)) {
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        }
        return pids;
    }

    public static List<String> instanceDirs() throws IOException {
        Path dir = DATA_DIR.resolve("instances");
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

    public static void kill9(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
