package dev.strata.provisioning.driver.local;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes the files of deleted databases (directories {@link LocalInstances#remove} set aside) while no database is
 * being made. Unlinking a deleted PostgreSQL database's thousand files costs the kernel hundreds of milliseconds of
 * CPU, and on this project's 2-core bench host a removal overlapping the next create's template copy and server start
 * made create → ready p50 949 ms; with removals held back, 242 ms (bench/README.md, "Why a create waits for no
 * removal"). So: a create {@link #hold holds} removals during its template copy; a removal running when a create
 * begins is paused (SIGSTOP) and resumed (SIGCONT) once no create has run for {@link #QUIET}; queued ones start only
 * then. A directory queued longer than {@link #MAX_DEFER} is removed anyway and no create pauses it (a host that
 * creates without pause still gets its disk back). One removal runs at a time, at the lowest CPU and I/O priorities. Directories a
 * stopped Strata left set aside are queued again by the next one.
 */
@ApplicationScoped
public class DeferredRemovals {

    private static final Logger LOG = Logger.getLogger(DeferredRemovals.class.getName());

    /** How long after the last create's hold ends removals stay held (the server's start runs on after the copy). */
    static final Duration QUIET = Duration.ofSeconds(2);
    /** The longest a directory waits for a quiet moment before it is removed anyway. */
    static final Duration MAX_DEFER = Duration.ofSeconds(30);
    private static final long TICK_MS = 250;

    @Resource
    ManagedThreadFactory threads;

    /** {@link #MAX_DEFER}; shorter in tests. */
    Duration maxDefer = MAX_DEFER;

    private final Deque<Pending> queue = new ArrayDeque<>();
    private int holds;
    private long lastRelease = System.nanoTime() - QUIET.toNanos();
    private Process running;
    /** When the running removal's directory was queued: once it is overdue ({@link #MAX_DEFER}) no create pauses it. */
    private long runningSince;
    private boolean paused;
    private boolean tickPending;
    private ScheduledExecutorService ticker;

    private record Pending(Path dir, long since) {
    }

    /**
     * Holds removals while a database is being made; close the hold when its server has started (or the attempt
     * failed). Holds nest and may overlap.
     */
    public Hold hold() {
        Process pause = null;
        synchronized (this) {
            holds++;
            if (running != null && running.isAlive() && !paused && System.nanoTime() - runningSince < maxDefer.toNanos()) {
                paused = true;
                pause = running;
            }
        }
        if (pause != null) {
            signal(pause, "-STOP");
        }
        return new Hold();
    }

    /** A create's hold on removals; closing it twice is harmless. */
    public final class Hold implements AutoCloseable {
        private boolean open = true;

        private Hold() {
        }

        @Override
        public void close() {
            synchronized (DeferredRemovals.this) {
                if (!open) {
                    return;
                }
                open = false;
                holds--;
                lastRelease = System.nanoTime();
                scheduleTick();
            }
        }
    }

    /** Queues {@code dir} (set aside, unreachable from any database's path) for removal. */
    public void removeLater(Path dir) {
        synchronized (this) {
            queue.add(new Pending(dir, System.nanoTime()));
            scheduleTick();
        }
    }

    /**
     * Ends removals of directories under {@code removedDir} that a killed Strata left behind: one it had paused stays
     * stopped for ever otherwise. Their directories are queued again by the caller.
     */
    public static int endOrphans(Path removedDir) {
        List<HostProcesses.HostProcess> orphans = HostProcesses.of(removedDir, p -> p.name().equals("rm"));
        if (!orphans.isEmpty() && !HostProcesses.kill(orphans, 10_000)) {
            LOG.warning("removals a killed Strata left behind did not end: " + HostProcesses.describe(orphans));
        }
        return orphans.size();
    }

    /** The pid of the removal running now, or null. */
    synchronized Long runningPid() {
        return running != null && running.isAlive() ? running.pid() : null;
    }

    /** Directories queued or being removed now (for tests and the logs). */
    public synchronized int pending() {
        return queue.size() + (running != null && running.isAlive() ? 1 : 0);
    }

    private void scheduleTick() {
        if (tickPending) {
            return;
        }
        if (ticker == null) {
            ThreadFactory factory = threads != null ? threads : r -> {
                Thread t = new Thread(r, "strata-removals");
                t.setDaemon(true);
                return t;
            };
            ticker = Executors.newSingleThreadScheduledExecutor(factory);
        }
        tickPending = true;
        ticker.schedule(this::tickQuietly, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "removing deleted databases' files failed", e);
            synchronized (this) {
                tickPending = false;
                scheduleTick();
            }
        }
    }

    private void tick() {
        Process resume = null;
        Path start = null;
        synchronized (this) {
            tickPending = false;
            long now = System.nanoTime();
            boolean quiet = holds == 0 && now - lastRelease >= QUIET.toNanos();
            if (running != null && running.isAlive()) {
                if (paused && (quiet || now - runningSince >= maxDefer.toNanos())) {
                    paused = false;
                    resume = running;
                }
            } else {
                running = null;
                paused = false;
                Pending next = queue.peek();
                if (next != null && (quiet || now - next.since() >= maxDefer.toNanos())) {
                    queue.poll();
                    start = next.dir();
                    runningSince = next.since();
                }
            }
            if (resume == null && start == null && queue.isEmpty() && running == null) {
                return; // nothing left: no tick until the next removal or hold
            }
            scheduleTick();
        }
        if (resume != null) {
            signal(resume, "-CONT");
        }
        if (start != null) {
            startRemoval(start);
        }
    }

    private void startRemoval(Path dir) {
        try {
            Process p = new ProcessBuilder("nice", "-n", "19", "ionice", "-c", "3", "rm", "-rf", "--", dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            boolean pause;
            synchronized (this) {
                running = p;
                // a create that began while the removal started: pause it at once (unless it is overdue)
                pause = holds > 0 && System.nanoTime() - runningSince < maxDefer.toNanos();
                paused = pause;
            }
            if (pause) {
                signal(p, "-STOP");
            }
            p.onExit().thenAccept(done -> {
                if (done.exitValue() != 0 || Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    removeHere(dir);
                }
            });
        } catch (IOException e) {
            removeHere(dir);
        }
    }

    private static void removeHere(Path dir) {
        try {
            InstanceFiles.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warning("cannot remove " + dir + ": " + e.getMessage());
        }
    }

    private static void signal(Process p, String signal) {
        try {
            Process kill = new ProcessBuilder(List.of("kill", signal, Long.toString(p.pid())))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.fine(() -> "cannot signal removal " + p.pid() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        Process p;
        synchronized (this) {
            p = running;
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
        if (p != null && p.isAlive()) {
            // never leave a stopped rm behind: let it finish on its own (the next Strata removes what is left)
            signal(p, "-CONT");
        }
    }
}
