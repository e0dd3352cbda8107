package dev.strata.provisioning.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Exits of real processes: children of this JVM, detached ones (as local servers are), and unreaped dead ones. */
class ServerExitsTest {

    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** A {@code sleep} whose parent is not this JVM (its shell exited): as a detached or adopted server. */
    private long detached() throws IOException, InterruptedException {
        Process sh = new ProcessBuilder("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!").start();
        long pid = Long.parseLong(new String(sh.getInputStream().readAllBytes()).trim());
        sh.waitFor();
        started.add(pid);
        return pid;
    }

    private long child() throws IOException {
        Process p = new ProcessBuilder("sleep", "600").start();
        started.add(p.pid());
        return p.pid();
    }

    /** Every exit the probes report until {@code until} holds (probing as the reconciler's timer does). */
    private static Set<String> probeUntil(ServerExits exits, Set<String> expected) {
        Set<String> seen = new HashSet<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            seen.addAll(exits.probe());
            return seen.containsAll(expected);
        });
        return seen;
    }

    @Test
    void aKilledDetachedServerIsReportedOnceAndTheOthersNot() throws Exception {
        ServerExits exits = new ServerExits();
        long a = detached();
        long b = detached();
        assertThat(exits.watch("db_a", a)).isTrue();
        assertThat(exits.watch("db_b", b)).isTrue();
        assertThat(ProcessHandle.of(a).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(0L)).isNotEqualTo(ProcessHandle.current().pid());
        for (int i = 0; i < 5; i++) {
            assertThat(exits.probe()).isEmpty(); // both alive
        }

        ProcessHandle.of(a).orElseThrow().destroyForcibly(); // kill -9

        assertThat(probeUntil(exits, Set.of("db_a"))).containsExactly("db_a");
        assertThat(exits.probe()).isEmpty(); // reported once, no longer watched
        assertThat(exits.size()).isEqualTo(1);
        assertThat(ProcessHandle.of(b)).isPresent();
    }

    @Test
    void aChildsExitIsReportedByTheJdk() throws Exception {
        ServerExits exits = new ServerExits();
        long pid = child();
        assertThat(exits.watch("db_child", pid)).isTrue();
        assertThat(exits.probe()).isEmpty();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        assertThat(probeUntil(exits, Set.of("db_child"))).containsExactly("db_child");
        assertThat(exits.size()).isZero();
    }

    @Test
    void aDeadProcessItsParentDoesNotReapCountsAsExited() throws Exception {
        // the shell becomes "sleep 600" and never reaps its own child: "sleep 1" stays a zombie, still listed in /proc
        Process parent = new ProcessBuilder("sh", "-c", "sleep 1 & exec sleep 600").start();
        started.add(parent.pid());
        ProcessHandle zombie = await().atMost(Duration.ofSeconds(5)).until(
                () -> parent.toHandle().children().findFirst().orElse(null), h -> h != null);
        ServerExits exits = new ServerExits(1);
        exits.watch("db_other", detached()); // the close looks take turns: it must not hide the zombie
        assertThat(exits.watch("db_zombie", zombie.pid())).isTrue();

        assertThat(probeUntil(exits, Set.of("db_zombie"))).containsExactly("db_zombie");
        assertThat(ServerExits.startTime(zombie.pid())).isEqualTo(-1);
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/proc", Long.toString(zombie.pid())))).isTrue();
    }

    @Test
    void anUnwatchedOrRewatchedServerIsNotReportedForItsOldProcess() throws Exception {
        ServerExits exits = new ServerExits();
        long first = detached();
        long second = detached();
        exits.watch("db_a", first);
        exits.watch("db_b", first);
        exits.unwatch("db_a");
        exits.watch("db_b", second); // restarted: a new process for the same database

        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> ServerExits.startTime(first) < 0);
        for (int i = 0; i < 5; i++) {
            assertThat(exits.probe()).isEmpty();
        }
        assertThat(exits.size()).isEqualTo(1);
    }

    @Test
    void aProcessThatIsAlreadyGoneIsNotWatched() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        ServerExits exits = new ServerExits();
        assertThat(exits.watch("db_gone", p.pid())).isFalse();
        assertThat(exits.size()).isZero();
        assertThat(exits.probe()).isEmpty();
    }

    @Test
    void aDeadServerItsParentDoesNotReapIsSeenByItsClosedPort() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        // a listener on the port whose parent (the shell, become "sleep 600") never reaps it: killed, it stays a zombie
        Process parent = new ProcessBuilder("sh", "-c", "python3 -c 'import socket,time; s=socket.socket(); "
                + "s.bind((\"127.0.0.1\", " + port + ")); s.listen(); time.sleep(600)' & exec sleep 600").start();
        started.add(parent.pid());
        ProcessHandle server = await().atMost(Duration.ofSeconds(5)).until(
                () -> parent.toHandle().children().findFirst().orElse(null), h -> h != null);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (java.net.Socket c = new java.net.Socket("127.0.0.1", port)) {
                return true;
            }
        });
        ServerExits exits = new ServerExits(0); // no close looks in turn: only the closed port can show the death
        assertThat(exits.watch("db_listener", server.pid(), port)).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(exits.probe()).isEmpty(); // alive and listening
        }

        server.destroyForcibly();

        assertThat(probeUntil(exits, Set.of("db_listener"))).containsExactly("db_listener");
        // still listed in /proc, unreaped: neither the listing nor the JDK could have told
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/proc", Long.toString(server.pid())))).isTrue();
        assertThat(exits.size()).isZero();
    }

    @Test
    void aServerThatStopsListeningButLivesIsNotReported() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // nothing listens on it any more
        }
        ServerExits exits = new ServerExits(0);
        assertThat(exits.watch("db_quiet", detached(), port)).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(exits.probe()).isEmpty(); // the closer look finds it alive
        }
        assertThat(exits.size()).isEqualTo(1);
    }

    @Test
    void theListeningPortsOfASocketTable() {
        Set<Integer> ports = new HashSet<>();
        ServerExits.listeningPorts(String.join("\n",
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:3C8C 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 1 1 0 100 0 0 10 0",
                "   1: 0100007F:2710 0100007F:9C40 01 00000000:00000000 00:00000000 00000000   999        0 2 1 0 20 4 30 10 -1",
                "  12: 00000000000000000000000001000000:47BC 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 3",
                ""), ports);
        assertThat(ports).containsExactlyInAnyOrder(0x3C8C, 0x47BC); // LISTEN only; 0x2710 is a connection (01)
    }
}
