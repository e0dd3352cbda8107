package dev.strata.provisioning.driver.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicLong;

/** File chores of local instances: measuring and removing directories, reading pid files. */
final class InstanceFiles {

    private InstanceFiles() {
    }

    static long sizeOf(Path dir) {
        AtomicLong total = new AtomicLong();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total.addAndGet(attrs.size());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE; // files come and go while a server runs
                }
            });
        } catch (IOException e) {
            return total.get();
        }
        return total.get();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Whether {@code pid} is a running process; a zombie waiting for init to reap it is not. */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** SIGTERM, then SIGKILL if the process is still running after {@code graceMillis}; true once it is gone. */
    static boolean terminate(long pid, long graceMillis) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        if (waitGone(pid, graceMillis)) {
            return true;
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        return waitGone(pid, 10_000);
    }

    static boolean waitGone(long pid, long millis) {
        long until = System.currentTimeMillis() + millis;
        while (isRunning(pid)) {
            if (System.currentTimeMillis() > until) {
                return false;
            }
            pause(50);
        }
        return true;
    }

    /** A short pause inside a driver's wait-for-server loop (never used to order events in tests). */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The pid in the first line of a pid file if that process is alive, otherwise null. */
    static Long livePid(Path pidFile, String expectedCommand) {
        try {
            if (!Files.exists(pidFile)) {
                return null;
            }
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            if (first.isEmpty()) {
                return null;
            }
            long pid = Long.parseLong(first);
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            if (!Files.exists(cmdline)) {
                return null;
            }
            String cmd = new String(Files.readAllBytes(cmdline)).replace('\0', ' ');
            return cmd.contains(expectedCommand) && isRunning(pid) ? pid : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
