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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
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
 * <li>a server that listens on a known port and died is caught by a read of the host's listening TCP sockets
 *     ({@code /proc/net/tcp} and {@code tcp6}) every second: the kernel closes a process's sockets the moment it dies,
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
    /** How often the socket tables are read (the timer thread only: the buffer, the last answer and its time). */
    private final Duration tableInterval;
    private ByteBuffer tableBuffer = ByteBuffer.allocate(1 << 16);
    private Set<Integer> listening;
    private long tableRead;

    ServerExits() {
        this(50);
    }

    /** {@code closeLooks}: how many watched processes are looked at closely (zombie, pid reuse) per probe. */
    ServerExits(int closeLooks) {
        this(closeLooks, Duration.ofSeconds(1));
    }

    /** {@code tableInterval}: how often the host's listening sockets are read at most. */
    ServerExits(int closeLooks, Duration tableInterval) {
        this.proc = new File("/proc");
        this.closeLooks = closeLooks;
        this.tableInterval = tableInterval;
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

    /**
     * The TCP ports something on this host listens on, or null when the socket tables cannot be read. The kernel
     * walks its whole socket hash for each read (7-11 ms of CPU per table on the bench/scale machine, with 100 or
     * with 1,000 listening servers alike), so the tables are read at most every {@link #tableInterval}: the last answer serves
     * the probes in between, and a server that died meanwhile is seen at the next read.
     */
    private Set<Integer> listeningPorts() {
        long now = System.nanoTime();
        if (listening != null && now - tableRead < tableInterval.toNanos()) {
            return null; // nothing new to look at until the next read
        }
        Set<Integer> ports = new HashSet<>();
        try {
            // IPv4 first (servers listen on 127.0.0.1 unless told otherwise); the IPv6 table only when a watched
            // server's port is not in it: each read walks the kernel's whole socket hash, whatever the sockets' number
            for (Path table : socketTables) {
                if (Files.exists(table)) {
                    listeningPorts(tableBuffer.array(), read(table), ports);
                }
                if (watched.values().stream().allMatch(w -> w.child() || w.port() <= 0 || ports.contains(w.port()))) {
                    break;
                }
            }
            tableRead = now;
            listening = ports;
            return ports;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads {@code table} whole into {@link #tableBuffer} (grown as needed); its length. */
    private int read(Path table) throws IOException {
        try (FileChannel ch = FileChannel.open(table)) {
            tableBuffer.clear();
            while (ch.read(tableBuffer) > 0) {
                if (!tableBuffer.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocate(tableBuffer.capacity() * 2);
                    tableBuffer.flip();
                    bigger.put(tableBuffer);
                    tableBuffer = bigger;
                }
            }
            return tableBuffer.position();
        }
    }

    /**
     * Adds to {@code into} the local ports of the sockets in state LISTEN ({@code 0A}) of a {@code /proc/net/tcp} or
     * {@code tcp6} table ({@code length} bytes of {@code b}): a header line, then one socket per line, e.g.
     * {@code "   0: 0100007F:3C8C 00000000:0000 0A …"} (slot, local address:port, remote address:port, state; hex).
     * Scanned byte by byte: no string per line.
     */
    static void listeningPorts(byte[] b, int length, Set<Integer> into) {
        int i = 0;
        while (i < length) {
            int end = i;
            while (end < length && b[end] != '\n') {
                end++;
            }
            int p = skipSpaces(b, i, end);
            int slot = token(b, p, end); // "0:" (the header's first word is "sl")
            if (slot > p && b[slot - 1] == ':') {
                int local = skipSpaces(b, slot, end);
                int localEnd = token(b, local, end);
                int remote = skipSpaces(b, localEnd, end);
                int state = skipSpaces(b, token(b, remote, end), end);
                if (state + 2 <= end && b[state] == '0' && b[state + 1] == 'A' && localEnd - local > 5 && b[localEnd - 5] == ':') {
                    into.add(hex(b, localEnd - 4, localEnd));
                }
            }
            i = end + 1;
        }
    }

    /** {@link #listeningPorts(byte[], int, Set)} of a table's text (tests). */
    static void listeningPorts(String table, Set<Integer> into) {
        byte[] b = table.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        listeningPorts(b, b.length, into);
    }

    private static int skipSpaces(byte[] b, int i, int end) {
        while (i < end && b[i] == ' ') {
            i++;
        }
        return i;
    }

    private static int token(byte[] b, int i, int end) {
        while (i < end && b[i] != ' ') {
            i++;
        }
        return i;
    }

    private static int hex(byte[] b, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 16 + Character.digit(b[i], 16);
        }
        return v;
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
