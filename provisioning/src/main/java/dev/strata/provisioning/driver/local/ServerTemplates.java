package dev.strata.provisioning.driver.local;

import dev.strata.provisioning.config.StrataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * One pristine data directory per engine and version ({@code $STRATA_DATA_DIR/templates/<engine>-<version>/data}),
 * made once by the engine's own initialiser ({@code initdb}, {@code mariadb-install-db}); each new database's data
 * directory is a copy of it, which takes a fraction of the initialiser's time. Made in a scratch directory renamed
 * into place, so a crash never leaves a half-made template in use.
 */
@ApplicationScoped
public class ServerTemplates {

    private static final Logger LOG = Logger.getLogger(ServerTemplates.class.getName());

    @Inject
    StrataConfig config;

    @Inject
    HostAccount account;

    @Inject
    DeferredRemovals removals;

    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** A template: its data directory, and the directory around it (for files of the template's own, not copied). */
    public record Template(Path data, Path dir) {
    }

    /** How an engine makes a fresh data directory ({@code target}); it may keep files of its own in {@code dir}. */
    public interface Maker {
        void make(Path target, Path dir) throws IOException;
    }

    /** The template called {@code name} (e.g. {@code postgresql-15}), made now if there is none yet. */
    public Template of(String name, Maker maker) throws IOException {
        synchronized (locks.computeIfAbsent(name, m -> new Object())) {
            Path dir = config.dataDir().resolve("templates").resolve(name);
            Path data = dir.resolve("data");
            if (Files.isDirectory(data)) {
                return new Template(data, dir);
            }
            long started = System.nanoTime();
            account.ensure();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            account.own(dir);
            Path scratch = dir.resolve("data.init");
            InstanceFiles.deleteRecursively(scratch);
            maker.make(scratch, dir);
            CommandResult sync = account.runAsAccount(List.of("sync", "-f", scratch.toString()), Duration.ofMinutes(1));
            if (!sync.ok()) {
                throw new IllegalStateException("sync failed: " + sync.tail());
            }
            Files.move(scratch, data, StandardCopyOption.ATOMIC_MOVE);
            LOG.info(() -> "template " + name + " made in " + (System.nanoTime() - started) / 1_000_000 + " ms: " + data);
            return new Template(data, dir);
        }
    }

    /** Copies the template's data directory to {@code target} (as the account, keeping modes), durably. */
    public void copy(Template template, Path target) throws IOException {
        copy(template, target, List.of(), null);
    }

    /**
     * Copies the template's data directory to {@code target}, runs {@code setUp} (a command of the account, with
     * {@code input} on its standard input: a database's own users, made while no server listens) and makes the whole
     * copy durable: one command of the account for all three (each command started as the account costs tens of
     * milliseconds on a busy host).
     */
    public void copy(Template template, Path target, List<String> setUp, String input) throws IOException {
        InstanceFiles.deleteRecursively(target);
        // cp -R, not -a: the account makes the copy, so owner and modes (0600/0700 from the template, which umask only
        // narrows) come out as the servers need them; -a also copies times and extended attributes (ACLs), five more
        // system calls per file (18,400 against 11,300 for PostgreSQL's 1,000 files), and on a busy 2-core host
        // system calls are what a copy of small files costs. sync -f (one syncfs) rather than an fsync per file:
        // measured on this host, fsyncing the copy's 1,000 files took 145-850 ms (8 threads: 145-225 ms) against
        // 37-140 ms for the syncfs; see bench/README.md. --reflink=auto: on a file system with shared extents (XFS
        // with reflink, Btrfs) the copy reads no data at all, which matters when the template's pages are no longer
        // in the page cache (a host that reclaims idle page cache, as the bench machine's does after 60 s).
        List<String> command = new java.util.ArrayList<>(List.of("sh", "-c",
                "set -e; cp -R --reflink=auto \"$1\" \"$2\"; target=$2; shift 2; if [ $# -gt 0 ]; then \"$@\"; fi; sync -f \"$target\"",
                "sh", template.data().toString(), target.toString()));
        command.addAll(setUp);
        CommandResult r;
        // no deleted database's files are unlinked while the copy runs (nor for a moment after: the server's start)
        try (DeferredRemovals.Hold hold = removals.hold()) {
            r = account.runAsAccount(command, input, Duration.ofMinutes(3));
        }
        if (!r.ok()) {
            throw new IllegalStateException("copying the template " + template.dir().getFileName() + (setUp.isEmpty() ? "" : " and setting it up")
                    + " failed: " + r.tail());
        }
    }
}
