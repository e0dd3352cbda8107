package dev.strata.provisioning.driver.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removals of deleted databases' files wait for creates, with real directories and a real {@code rm}. */
class DeferredRemovalsTest {

    @TempDir
    Path tmp;

    @Test
    void aDirectoryIsRemovedWhenNoCreateRuns() throws IOException {
        DeferredRemovals removals = new DeferredRemovals();
        Path dir = tree("gone", 50);
        removals.removeLater(dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir));
        await().atMost(Duration.ofSeconds(5)).until(() -> removals.pending() == 0);
    }

    @Test
    void aRemovalWaitsWhileACreateHoldsAndGoesOnceItEnds() throws IOException {
        DeferredRemovals removals = new DeferredRemovals();
        Path dir = tree("held", 50);
        DeferredRemovals.Hold hold = removals.hold();
        removals.removeLater(dir);
        // held: not removed while the hold lasts (three times the quiet period plus several ticks)
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(15)).until(() -> Files.exists(dir.resolve("f0")));
        hold.close();
        hold.close(); // harmless
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir));
    }

    @Test
    void aRunningRemovalIsPausedByACreateAndResumedAfterIt() throws IOException {
        DeferredRemovals removals = new DeferredRemovals();
        Path dir = tree("big", 40_000);
        removals.removeLater(dir);
        Long pid = await().atMost(Duration.ofSeconds(10)).until(removals::runningPid, p -> p != null);
        DeferredRemovals.Hold hold = removals.hold();
        // the rm (a child of nice's exec: the same pid) is stopped: state T
        await().atMost(Duration.ofSeconds(5)).until(() -> state(pid), s -> s == null || s.equals("T"));
        if (state(pid) != null) {
            long left = countFiles(dir);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(15)).until(() -> countFiles(dir) == left);
        }
        hold.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dir));
    }

    @Test
    void aRemovalWaitsNoLongerThanTheLongestDeferral() throws IOException {
        DeferredRemovals removals = new DeferredRemovals();
        removals.maxDefer = Duration.ofSeconds(1);
        Path dir = tree("overdue", 20);
        try (DeferredRemovals.Hold hold = removals.hold()) {
            removals.removeLater(dir);
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir));
        }
    }

    @Test
    void aRemovalAKilledStrataLeftPausedIsEnded() throws Exception {
        Path removed = Files.createDirectories(tmp.resolve("removed"));
        Path dir = tree("removed/db_x-1", 40_000);
        // what a killed Strata leaves: the rm of a set-aside directory, stopped
        Process rm = new ProcessBuilder("rm", "-rf", "--", dir.toString()).start();
        new ProcessBuilder("kill", "-STOP", Long.toString(rm.pid())).start().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> "T".equals(state(rm.pid())));
        Process unrelated = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(DeferredRemovals.endOrphans(removed)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !rm.isAlive());
            assertThat(unrelated.isAlive()).isTrue();
        } finally {
            unrelated.destroyForcibly();
        }
    }

    private Path tree(String name, int files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (int i = 0; i < files; i++) {
            Files.writeString(dir.resolve("f" + i), "x");
        }
        return dir;
    }

    private static long countFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    /** The process's state letter from /proc (R, S, D, T, Z), or null when it is gone. */
    private static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return null;
        }
    }
}
