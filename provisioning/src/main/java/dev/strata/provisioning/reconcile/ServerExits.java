package dev.strata.provisioning.reconcile;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notices that the server process of a ready database exited, for all of them at once and at a cost that does not
 * grow as a system call per database per look:
 * <ul>
 * <li>a server that is a child of this JVM is reported by the JDK's own reaper ({@link ProcessHandle#onExit()},
 *     a {@code waitpid}): no probing at all;</li>
 * <li>every other one (local servers are started detached so that they outlive the control plane, and a restarted
 *     Strata adopts the ones that kept running) by one listing of {@code /proc} per {@link #probe}: a pid that is no
 *     longer listed has exited;</li>
 * <li>a server that listens on a known port and died is caught by one read of the host's listening TCP sockets
 *     ({@code /proc/net/tcp} and {@code tcp6}) per probe: the kernel closes a process's sockets the moment it dies,
 *     while its entry in {@code /proc} stays until its parent reaps it — for detached servers that is the host's
 *     init, which may take seconds (1-2 s on the machine of bench/scale). Only a server whose port no longer
 *     listens gets a closer look, which tells a dead one from one that is alive;</li>
 * <li>a dead process its parent has not reaped yet (a zombie, still listed) or a pid taken by a new process is
 *     also caught by a closer look ({@code /proc/<pid>/stat}: state and start time) at a few watched processes per
 *     probe, in turn, so every one is looked at within {@code watched / closeLooks} probes.</li>
 * </ul>
 * Thread-safe: {@link #watch} and {@link #unwatch} come from the reconciler's workers, {@link #probe} from its timer.
 */
final class ServerExits {

    private static final long SELF = ProcessHandle.current().pid();

    /**
     * A watched server: its pid (also as the name {@code /proc} lists), its start time, whether it is our child, the
     * TCP port it listens on (0: unknown).
     */
    private record Watched(long pid, String name, long started, boolean child, int port) {
    }

    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    /** Children whose exit the JDK reported since the last probe. */
    private final Set<String> exited = ConcurrentHashMap.newKeySet();
    /** Watched keys still to be looked at closely in this round (the timer's thread only). */
    private final Deque<String> round = new ArrayDeque<>();
    private final File proc;
    private final int closeLooks;
    private final List<Path> socketTables = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    ServerExits() {
        this(50);
    }

    /** {@code closeLooks}: how many watched processes are looked at closely (zombie, pid reuse) per probe. */
    ServerExits(int closeLooks) {
        this.proc = new File("/proc");
        this.closeLooks = closeLooks;
    }

    /**
     * Watches {@code pid} as the server of {@code key}, in place of any earlier one; false (and nothing watched) when
     * that process is not alive now.
     */
    boolean watch(String key, long pid) {
        return watch(key, pid, 0);
    }

    /**
     * As {@link #watch(String, long)} for a server that listens on TCP {@code port} (0 or less: unknown), whose death
     * is then seen from its closed socket even while its process waits to be reaped.
     */
    boolean watch(String key, long pid, int port) {
        long started = startTime(pid);
        if (started < 0) {
            unwatch(key);
            return false;
        }
        boolean child = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(p -> p.pid() == SELF).orElse(false);
        Watched w = new Watched(pid, Long.toString(pid), started, child, Math.max(port, 0));
        exited.remove(key);
        watched.put(key, w);
        if (child) {
            ProcessHandle.of(pid).ifPresentOrElse(h -> h.onExit().thenRun(() -> gone(key, w)), () -> gone(key, w));
        }
        return true;
    }

    /** Stops watching {@code key}'s server (it is being worked on, stopped on purpose, or deleted). */
    void unwatch(String key) {
        watched.remove(key);
        exited.remove(key);
    }

    /** How many servers are watched. */
    int size() {
        return watched.size();
    }

    /** The keys whose server exited since the last probe; they are no longer watched. */
    Set<String> probe() {
        Set<String> gone = new LinkedHashSet<>();
        for (String key : exited) {
            if (exited.remove(key)) {
                gone.add(key);
            }
        }
        if (watched.values().stream().allMatch(Watched::child)) {
            return gone;
        }
        String[] listed = proc.list();
        if (listed != null) {
            Set<String> live = new HashSet<>(Arrays.asList(listed));
            watched.forEach((key, w) -> {
                if (!w.child() && !live.contains(w.name()) && watched.remove(key, w)) {
                    gone.add(key);
                }
            });
        }
        if (watched.values().stream().anyMatch(w -> !w.child() && w.port() > 0)) {
            Set<Integer> listening = listeningPorts();
            if (listening != null) {
                watched.forEach((key, w) -> {
                    if (!w.child() && w.port() > 0 && !listening.contains(w.port()) && startTime(w.pid()) != w.started()
                            && watched.remove(key, w)) {
                        gone.add(key);
                    }
                });
            }
        }
        if (round.isEmpty()) {
            round.addAll(watched.keySet());
        }
        for (int i = 0; i < closeLooks && !round.isEmpty(); i++) {
            String key = round.poll();
            Watched w = watched.get(key);
            if (w != null && !w.child() && startTime(w.pid()) != w.started() && watched.remove(key, w)) {
                gone.add(key);
            }
        }
        return gone;
    }

    /** The TCP ports something on this host listens on, or null when the socket tables cannot be read. */
    private Set<Integer> listeningPorts() {
        Set<Integer> ports = new HashSet<>();
        try {
            for (Path table : socketTables) {
                if (Files.exists(table)) {
                    listeningPorts(Files.readAllLines(table), ports);
                }
            }
            return ports;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Adds to {@code into} the local ports of the sockets in state LISTEN ({@code 0A}) of a {@code /proc/net/tcp} or
     * {@code tcp6} table: {@code "  sl  local_address rem_address   st …"}, then one socket per line, e.g.
     * {@code "   0: 0100007F:3C8C 00000000:0000 0A …"} (address and port in hex).
     */
    static void listeningPorts(List<String> table, Set<Integer> into) {
        for (String line : table) {
            String[] f = line.trim().split("\\s+", 5);
            if (f.length < 4 || !f[0].endsWith(":") || !"0A".equals(f[3])) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            if (colon > 0) {
                into.add(Integer.parseInt(f[1].substring(colon + 1), 16));
            }
        }
    }

    private void gone(String key, Watched w) {
        if (watched.remove(key, w)) {
            exited.add(key);
        }
    }

    /**
     * When process {@code pid} started (clock ticks after boot, {@code /proc/<pid>/stat} field 22), or -1 when it is
     * gone or dead (a zombie waiting to be reaped).
     */
    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            char state = rest[0].charAt(0);
            return state == 'Z' || state == 'X' || state == 'x' ? -1 : Long.parseLong(rest[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
