package dev.strata.provisioning.driver.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Copies a server's data directory for a branch: as copy-on-write clones of its files where the file system has
 * them (XFS with {@code reflink=1}, btrfs: {@code FICLONE} through {@code cp --reflink}), which takes the same
 * time whatever the size, and as a full copy elsewhere (ext4). A one-file probe tells which, before anything big
 * is copied. Commands run through {@code run} (as the servers' account).
 */
final class FileClones {

    /** How a copy was made, in words for a status message. */
    enum Method {
        REFLINK("a copy-on-write clone (reflink) of the parent's files"),
        COPY("a full copy of the parent's files (this file system has no copy-on-write clones)");

        private final String words;

        Method(String words) {
            this.words = words;
        }

        String words() {
            return words;
        }
    }

    private FileClones() {
    }

    /** Whether files can be cloned from directory {@code from} into directory {@code into} (one file tried). */
    static Method probe(Function<List<String>, CommandResult> run, Path sample, Path into) throws IOException {
        Path probe = into.resolve(".strata-clone-probe");
        Files.deleteIfExists(probe);
        try {
            return run.apply(List.of("cp", "--reflink=always", sample.toString(), probe.toString())).ok() ? Method.REFLINK : Method.COPY;
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Copies directory {@code from} to the new directory {@code to} (modes, owners and times kept), cloning files where it can. */
    static void copyTree(Function<List<String>, CommandResult> run, Path from, Path to) {
        copyTree(run, from, to, false);
    }

    /**
     * As {@link #copyTree(Function, Path, Path)}; {@code live}: the directory belongs to a running server, whose files
     * may vanish while they are copied (a dropped table, a temporary file): such a file is no error, as in
     * {@code pg_basebackup}; the WAL replayed after the copy accounts for it.
     */
    static void copyTree(Function<List<String>, CommandResult> run, Path from, Path to, boolean live) {
        CommandResult r = run.apply(List.of("cp", "-a", "--reflink=auto", from.toString(), to.toString()));
        if (!r.ok() && !(live && onlyVanished(r.output()))) {
            throw new IllegalStateException("copying " + from + " failed: " + r.tail());
        }
    }

    /** Whether every complaint of cp is about a file that was gone when it came to it. */
    static boolean onlyVanished(String output) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        return !lines.isEmpty() && lines.stream().allMatch(l -> l.contains("No such file or directory"));
    }

    /** Copies the contents of directory {@code from} into the existing directory {@code to}, replacing files of the same name. */
    static void copyContents(Function<List<String>, CommandResult> run, Path from, Path to) {
        CommandResult r = run.apply(List.of("cp", "-a", "--reflink=auto", from + "/.", to.toString()));
        if (!r.ok()) {
            throw new IllegalStateException("copying " + from + " failed: " + r.tail());
        }
    }

    /** Runs a command as this process's user (for tests, and where no account switch is needed). */
    static CommandResult runHere(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new CommandResult(p.waitFor(), out);
        } catch (IOException e) {
            return new CommandResult(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CommandResult(130, "interrupted");
        }
    }
}
