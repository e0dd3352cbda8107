package dev.strata.provisioning.driver.local;

import dev.strata.provisioning.driver.local.HostProcesses.HostProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One PostgreSQL data directory on this host and its server process, run with {@code pg_ctl} as the account: a
 * database's server, and the metadata server of the default setup. Starting adopts a server that already runs (a
 * restarted Strata never starts a second one), waits while a {@code pg_ctl} of a killed Strata is still at work,
 * and clears what a killed server leaves behind by PostgreSQL's own rules: its orphaned workers, and a
 * {@code postmaster.pid} whose process is gone (a zombie no one has reaped yet still answers {@code kill(pid, 0)},
 * which is why PostgreSQL itself refuses to start until init reaps it).
 */
public final class PostgresCluster {

    private static final Logger LOG = Logger.getLogger(PostgresCluster.class.getName());

    private final HostAccount account;
    private final Path bin;
    private final Path data;
    private final Path log;
    /** The directory of the server's Unix socket, when it is not the data directory (null: not known here). */
    private final Path socketDir;

    public PostgresCluster(HostAccount account, Path bin, Path data, Path log) {
        this(account, bin, data, log, null);
    }

    public PostgresCluster(HostAccount account, Path bin, Path data, Path log, Path socketDir) {
        this.account = account;
        this.bin = bin;
        this.data = data;
        this.log = log;
        this.socketDir = socketDir;
    }

    public Path data() {
        return data;
    }

    public Path bin() {
        return bin;
    }

    public boolean initialised() {
        return Files.exists(data.resolve("PG_VERSION"));
    }

    /** The postmaster's pid if this data directory's server runs (the pid file names a live postgres working here). */
    public Long runningPid() {
        Long pid = pidFromLockFile();
        if (pid == null) {
            return null;
        }
        HostProcess p = HostProcesses.read(pid);
        return p != null && p.name().equals("postgres") && ownsData(p) ? pid : null;
    }

    /**
     * Why the server cannot be started now, or null: a server of this directory that has not written its pid file
     * yet, or a {@code pg_ctl}/{@code initdb} (of a Strata that was killed) still working on it. The caller tries again later.
     */
    public String busy() {
        if (runningPid() != null) {
            return null;
        }
        List<HostProcess> foreign = new ArrayList<>();
        for (HostProcess p : HostProcesses.of(data)) {
            if (!p.worker()) {
                foreign.add(p);
            }
        }
        return foreign.isEmpty() ? null : "a previous start or stop of this server is still at work: " + HostProcesses.describe(foreign);
    }

    /** Starts the server unless it runs; throws IllegalStateException when it cannot (the message says why). */
    public void start() {
        if (runningPid() != null) {
            return;
        }
        List<HostProcess> all = HostProcesses.of(data); // one look at the host's processes for both checks
        List<HostProcess> foreign = all.stream().filter(p -> !p.worker()).toList();
        if (!foreign.isEmpty()) {
            throw new IllegalStateException("a previous start or stop of this server is still at work: " + HostProcesses.describe(foreign));
        }
        clearLeftovers(all);
        launch();
    }

    /**
     * Starts the server of a data directory made by this very caller in a directory that did not exist before it:
     * no process can run on it or be left over from it, so the host's processes are not looked at.
     */
    public void startFresh() {
        launch();
    }

    private void launch() {
        // pg_ctl's own wait (-w) looks every 100 ms; Strata looks every 10 ms (a restart after a crash takes ~150 ms)
        pgCtl("start", "-W");
        awaitReady();
    }

    /** Until the server says "ready" in its pid file; fails when the server exits first or after a minute. */
    private void awaitReady() {
        long started = System.currentTimeMillis();
        for (int i = 0; ; i++) {
            if (status().equals("ready") && runningPid() != null) {
                return;
            }
            long waited = System.currentTimeMillis() - started;
            if (waited > 2_000 && i % 20 == 0 && HostProcesses.of(data).stream().noneMatch(p -> p.name().equals("postgres"))) {
                throw new IllegalStateException("the server exited while starting" + LocalInstances.logTail(log));
            }
            if (waited > 60_000) {
                throw new IllegalStateException("the server did not become ready within 60 s" + LocalInstances.logTail(log));
            }
            InstanceFiles.pause(10);
        }
    }

    /** The postmaster's status line in its pid file ({@code starting}, {@code ready}, {@code stopping}), or "". */
    private String status() {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            return lines.size() >= 8 ? lines.get(7).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** A fast restart (settings that need one changed); starts the server if it was not running. */
    public void restart() {
        if (runningPid() == null) {
            start();
        } else {
            pgCtl("restart", "-m", "fast");
            awaitReady();
        }
    }

    /** Stops the server in {@code mode} ({@code fast}: clients disconnected, clean; {@code immediate}: no checkpoint). */
    public void stop(String mode) {
        Long pid = runningPid();
        if (pid == null) {
            return;
        }
        CommandResult r = account.runAsAccount(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
                "stop", "-m", mode), Duration.ofSeconds(70));
        if (!r.ok() && runningPid() != null && !InstanceFiles.terminate(pid, 5_000)) {
            throw new IllegalStateException("pg_ctl stop failed: " + r.tail());
        }
    }

    /** Kills every process of this data directory at once (the directory is about to be removed). */
    public void kill() {
        List<HostProcess> all = HostProcesses.of(data);
        if (!all.isEmpty() && !HostProcesses.kill(all, 10_000)) {
            throw new IllegalStateException("processes of " + data + " did not stop: " + HostProcesses.describe(HostProcesses.of(data)));
        }
    }

    /**
     * With no postmaster alive: kills the workers a killed postmaster left (they still hold its shared memory, which
     * makes a new postmaster refuse to start) and removes a {@code postmaster.pid} whose process is dead.
     */
    private void clearLeftovers(List<HostProcess> all) {
        List<HostProcess> orphans = all.stream().filter(HostProcess::worker).toList();
        if (!orphans.isEmpty()) {
            LOG.info(() -> "killing " + orphans.size() + " orphaned worker(s) of a dead postmaster in " + data);
            if (!HostProcesses.kill(orphans, 10_000)) {
                throw new IllegalStateException("orphaned PostgreSQL workers did not exit: " + HostProcesses.describe(orphans));
            }
        }
        Path lock = data.resolve("postmaster.pid");
        Long stale = pidFromLockFile();
        if (stale != null && runningPid() == null) {
            try {
                Files.deleteIfExists(lock);
                LOG.info(() -> "removed the stale " + lock + " of pid " + stale);
                forgetSocketOf(stale);
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove the stale " + lock + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Removes the socket lock files (and their sockets) that the dead postmaster {@code pid} left in the socket
     * directory. PostgreSQL removes such a lock file itself only when its pid no longer exists; a killed postmaster
     * stays an unreaped zombie until the host's init reaps it (1-2 s on the bench machine), and a start in the
     * meantime failed with "lock file … already exists" and was retried after a back-off: 4 s from the kill to
     * ready instead of well under one (bench/scale, 200 PostgreSQL databases).
     */
    private void forgetSocketOf(long pid) throws IOException {
        if (socketDir == null || !Files.isDirectory(socketDir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(socketDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("\\.s\\.PGSQL\\.\\d+\\.lock")).toList()) {
                String first = Files.readString(f).lines().findFirst().orElse("").trim();
                if (first.equals(Long.toString(pid))) {
                    Files.deleteIfExists(f);
                    String name = f.getFileName().toString();
                    Files.deleteIfExists(f.resolveSibling(name.substring(0, name.length() - ".lock".length())));
                    LOG.info(() -> "removed the stale socket lock " + f + " of pid " + pid);
                }
            }
        }
    }

    private void pgCtl(String action, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-l", log.toString(), "-w", "-t", "60", action));
        cmd.addAll(List.of(extra));
        CommandResult r = account.runAsAccount(cmd, Duration.ofSeconds(90));
        if (!r.ok()) {
            throw new IllegalStateException("pg_ctl " + action + " failed: " + r.tail() + LocalInstances.logTail(log));
        }
    }

    private Long pidFromLockFile() {
        try {
            String first = Files.readString(data.resolve("postmaster.pid")).lines().findFirst().orElse("").trim();
            return first.isEmpty() ? null : Long.parseLong(first);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private boolean ownsData(HostProcess p) {
        // the postmaster works in its data directory; another account's process (cwd unreadable) is not ours
        return p.cwd().equals(data.toString()) || p.commandLine().contains(data.toString());
    }
}
