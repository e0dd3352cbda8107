package dev.strata.provisioning.driver.local;

import dev.strata.domain.database.InstanceObservation;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.config.StrataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every local engine shares: the instance directory {@code STRATA_DATA_DIR/instances/<db id>/} (private to
 * the account servers run as), measuring how much disk it uses, and removing it.
 */
@ApplicationScoped
public class LocalInstances {

    private static final Duration MEASURE_EVERY = Duration.ofSeconds(30);

    @Inject
    StrataConfig config;

    @Inject
    HostAccount account;

    @Inject
    DeferredRemovals removals;

    private final Map<String, long[]> measured = new ConcurrentHashMap<>();

    /** Ids of the warm pool's spare servers start with this (a database id never does: {@code db_…}). */
    static final String SPARE_PREFIX = "spare-";
    /** In a spare's directory from the moment it holds a database's users (before the database's row commits). */
    static final String ASSIGNED = "assigned";

    /**
     * The instance directory: {@code instances/<db id>/} for a database, {@code spares/<spare id>/} for a spare
     * server of the warm pool ({@link WarmPool}), which is never a database's until its directory is renamed into
     * {@code instances/} ({@link #adoptSpare}).
     */
    public Path dir(InstanceSpec spec) {
        return spec.id().startsWith(SPARE_PREFIX) ? sparesDir().resolve(spec.id()) : config.dataDir().resolve("instances").resolve(spec.id());
    }

    /** Where the warm pool's spare servers live: {@code STRATA_DATA_DIR/spares/}. */
    public Path sparesDir() {
        return config.dataDir().resolve("spares");
    }

    /**
     * The id of the spare of {@code engine} {@code version} listening on {@code port}: a spare is found by the port
     * its database was given, so a restarted Strata finds it from the database's row alone.
     */
    public static String spareId(dev.strata.domain.database.Engine engine, String version, int port) {
        return SPARE_PREFIX + engine.wireName() + "-" + version + "-" + port;
    }

    /**
     * A new database whose port is a spare's (the warm pool gave the spare the database's users when the database
     * was created): the running spare's directory becomes the database's by one rename, the server keeps running
     * (it works in its directory by relative paths; only the paths in its settings file change, which a reload
     * takes). The server still knows its configuration files by the spare's path (PostgreSQL keeps them absolute
     * from its start), so that path stays, as a symbolic link to the database's directory, until the database is
     * removed ({@link #remove}): a reload (new settings, a renewed certificate) reads the database's files. True
     * when the database's directory is an adopted spare whose server has not taken its new settings yet (also
     * after a crash right after the rename): the driver then reloads it rather than restarting it, and calls
     * {@link #spareAdopted}. False for every other database.
     */
    public boolean adoptSpare(InstanceSpec spec) throws IOException {
        Path inst = dir(spec);
        if (spec.port() == null || spec.id().startsWith(SPARE_PREFIX)) {
            return false;
        }
        Path spare = sparesDir().resolve(spareId(spec.engine(), spec.version(), spec.port()));
        if (Files.exists(inst)) {
            if (!Files.exists(inst.resolve(ASSIGNED))) {
                return false;
            }
            if (!Files.exists(spare, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(spare, inst); // a crash came between the rename and the link
            }
            return true;
        }
        if (Files.isSymbolicLink(spare) || !Files.exists(spare.resolve(ASSIGNED))
                || !Files.readString(spare.resolve(ASSIGNED)).trim().equals(assignedTo(spec))) {
            return false; // not assigned, or to another database (a create that rolled back, its port free again)
        }
        Files.createDirectories(inst.getParent());
        Files.move(spare, inst, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.createSymbolicLink(spare, inst);
        return true;
    }

    /**
     * What a spare's {@value #ASSIGNED} file holds: a digest of the users and password it was given (the database's id
     * does not exist yet when it is assigned), so that only that database adopts it. Not reversible: the password is
     * 32 random characters.
     */
    public static String assignedTo(InstanceSpec target) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest((target.username() + "\0" + target.databaseName() + "\0"
                    + target.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The adopted spare's server runs with the database's settings: it is an ordinary instance from now on. */
    public void spareAdopted(InstanceSpec spec) throws IOException {
        Files.deleteIfExists(dir(spec).resolve(ASSIGNED));
    }

    /** The instance directory, created private to the account if missing (its parents stay traversable). */
    public Path prepare(InstanceSpec spec) throws IOException {
        account.ensure();
        Path inst = dir(spec);
        if (!Files.isDirectory(inst)) {
            Files.createDirectories(inst.getParent());
            Files.createDirectory(inst, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        // checked every time, not only after creating: Strata may have been killed between the two steps
        if (!account.owns(inst)) {
            account.own(inst);
        }
        return inst;
    }

    /** Bytes under the instance directory, measured at most every 30 s (walking a large data directory costs). */
    public long storageUsed(InstanceSpec spec) {
        long now = System.currentTimeMillis();
        long[] cached = measured.get(spec.id());
        if (cached != null && now - cached[0] < MEASURE_EVERY.toMillis()) {
            return cached[1];
        }
        long size = InstanceFiles.sizeOf(dir(spec));
        measured.put(spec.id(), new long[] {now, size});
        return size;
    }

    /**
     * Removes the instance directory and everything in it, and the link a spare's former path is when the database
     * was a spare ({@link #adoptSpare}); the server must be stopped already. The directory is
     * renamed out of the way at once (the database's path is free, and its files are unreachable from it), and its
     * files are removed later, when no database is being made ({@link DeferredRemovals}): unlinking a thousand files
     * costs the kernel hundreds of milliseconds, which a create running at the same time should not wait for.
     * Leftovers of a Strata stopped meanwhile are removed by the next Strata ({@link #removeLeftovers}).
     */
    public void remove(InstanceSpec spec) {
        Path inst = dir(spec);
        if (spec.port() != null && !spec.id().startsWith(SPARE_PREFIX)) {
            try {
                Path link = sparesDir().resolve(spareId(spec.engine(), spec.version(), spec.port()));
                if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(inst)) {
                    Files.delete(link);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove the spare's link to " + inst + ": " + e.getMessage(), e);
            }
        }
        measured.remove(spec.id());
        if (!Files.exists(inst, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path aside = null;
        try {
            Path removed = removedDir();
            Files.createDirectories(removed);
            aside = removed.resolve(spec.id() + "-" + System.nanoTime());
            Files.move(inst, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            aside = null; // removed in place below
        }
        if (aside != null) {
            removals.removeLater(aside);
        } else {
            try {
                InstanceFiles.deleteRecursively(inst);
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove " + inst + ": " + e.getMessage(), e);
            }
        }
    }

    /** Where removed instance directories wait for their files to go (hidden: {@code ./strata stop-databases} skips it). */
    private Path removedDir() {
        return config.dataDir().resolve("instances").resolve(".removed");
    }

    /** Instance directories a stopped Strata had set aside but not yet removed. */
    @jakarta.annotation.PostConstruct
    void removeLeftovers() {
        Path removed = removedDir();
        if (!Files.isDirectory(removed)) {
            return;
        }
        DeferredRemovals.endOrphans(removed);
        try (var entries = Files.list(removed)) {
            entries.forEach(removals::removeLater);
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(LocalInstances.class.getName()).warning("cannot list " + removed + ": " + e.getMessage());
        }
    }

    /** Writes a file only the account can read (configuration that holds a password). */
    public void writePrivate(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        account.own(tmp);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Stops a server by SIGTERM (every engine here shuts down cleanly on it), SIGKILL after a minute. */
    public InstanceObservation stopServer(Long pid, String name) {
        if (pid != null && !InstanceFiles.terminate(pid, 60_000)) {
            return InstanceObservation.failed(name + " (pid " + pid + ") did not stop");
        }
        return InstanceObservation.stoppedOnPurpose();
    }

    /**
     * Why this instance's server must not be started now, or null. {@code serverPid} is the server named by its pid
     * file (null if none runs). Without one, any other live process of the instance directory is a server that has
     * not written its pid file yet or a helper of a Strata that was killed (a start, a copy): starting now would make
     * a second server on the same files, so the caller waits for it (the next pass looks again). Workers a killed
     * server left behind are killed here: they belong to no one.
     */
    public String busy(InstanceSpec spec, Long serverPid) {
        if (serverPid != null) {
            return null;
        }
        List<HostProcesses.HostProcess> all = HostProcesses.of(dir(spec));
        List<HostProcesses.HostProcess> orphans = all.stream().filter(HostProcesses.HostProcess::worker).toList();
        if (!orphans.isEmpty()) {
            HostProcesses.kill(orphans, 10_000);
        }
        List<HostProcesses.HostProcess> foreign = all.stream().filter(p -> !p.worker()).toList();
        return foreign.isEmpty() ? null : "a previous start or stop of this server is still at work: " + HostProcesses.describe(foreign);
    }

    /** Kills every process of the instance directory (server, workers, helpers); its data is about to be removed. */
    public void killAll(InstanceSpec spec) {
        List<HostProcesses.HostProcess> all = HostProcesses.of(dir(spec));
        if (!all.isEmpty() && !HostProcesses.kill(all, 10_000)) {
            throw new IllegalStateException("processes of " + spec.id() + " did not stop: " + HostProcesses.describe(HostProcesses.of(dir(spec))));
        }
    }

    /**
     * Completes or undoes a swap of data directories ({@code data} and its restored replacement {@code scratch},
     * with {@code old} as the aside) that a crash interrupted: old data back when the replacement was not yet in
     * place, the aside removed when it was. A scratch directory left over is removed by the restore that follows.
     */
    public static void repairSwap(Path data, Path old) throws IOException {
        if (!Files.exists(data) && Files.exists(old)) {
            Files.move(old, data, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        if (Files.exists(data) && Files.exists(old)) {
            InstanceFiles.deleteRecursively(old);
        }
    }

    /** Puts a whole restored directory in place of {@code data} by two renames; the old data goes last. */
    public static void swapIn(Path data, Path scratch, Path old) throws IOException {
        if (Files.exists(data)) {
            Files.move(data, old, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(scratch, data, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        InstanceFiles.deleteRecursively(old);
    }

    /** Fills an empty private scratch directory (owned by the servers' account) with a backup's data directory. */
    @FunctionalInterface
    public interface DataUnpacker {
        void unpack(Path scratch) throws IOException;
    }

    /**
     * An in-place (or new-database) restore of an engine whose data is the instance's {@code data} directory, as
     * MariaDB and Redis have it. Idempotent under crashes: a swap a crash interrupted is completed or undone first; a
     * restore whose {@code restored} marker holds the job's token is done; otherwise the server is stopped (its
     * process found by {@code pidOf} in the instance directory), leftover helpers of an earlier attempt are killed,
     * the backup is unpacked into {@code data.restore} and only when whole is it swapped in by two renames.
     */
    public void restoreData(InstanceSpec target, String token, java.util.function.Function<Path, Long> pidOf, String processName,
                            DataUnpacker unpacker) throws IOException {
        Path inst = prepare(target);
        Path data = inst.resolve("data");
        Path scratch = inst.resolve("data.restore");
        Path old = inst.resolve("data.old");
        Path marker = inst.resolve("restored");
        repairSwap(data, old);
        if (Files.exists(data) && Files.exists(marker) && Files.readString(marker).trim().equals(token)) {
            return;
        }
        InstanceObservation stopped = stopServer(pidOf.apply(inst), processName);
        if (stopped.failure() != null) {
            throw new IllegalStateException(stopped.failure());
        }
        killAll(target, scratch);
        InstanceFiles.deleteRecursively(scratch);
        Files.createDirectory(scratch, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        account.own(scratch);
        unpacker.unpack(scratch);
        account.own(scratch);
        swapIn(data, scratch, old);
        writePrivate(marker, token + "\n");
    }

    /** Kills every process working in {@code dir} (a scratch directory of the instance about to be removed). */
    public void killAll(InstanceSpec spec, Path dir) {
        List<HostProcesses.HostProcess> all = HostProcesses.of(dir);
        if (!all.isEmpty() && !HostProcesses.kill(all, 10_000)) {
            throw new IllegalStateException("processes of " + dir + " did not stop: " + HostProcesses.describe(HostProcesses.of(dir)));
        }
    }

    /** Kills every process of the instance (at once: its data goes too) and removes the directory; a no-op when nothing is there. */
    public void deleteWithServer(InstanceSpec spec) {
        if (!Files.exists(dir(spec))) {
            return;
        }
        killAll(spec);
        remove(spec);
    }

    /** The host written into connection URIs, bracketed when it is an IPv6 address. */
    public String uriHost() {
        String host = config.publicHost();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** {@code scheme://user:password@host:port/path} with user and password URL-encoded. */
    public String uri(String scheme, InstanceSpec spec, String path) {
        return uri(scheme, spec.port(), spec, path);
    }

    /** As {@link #uri(String, InstanceSpec, String)} on another port of the server (its TLS port). */
    public String uri(String scheme, int port, InstanceSpec spec, String path) {
        return scheme + "://" + enc(spec.username()) + ":" + enc(spec.password()) + "@" + uriHost() + ":" + port + "/" + path;
    }

    /**
     * The version an installed server reports ({@code <server> --version}, first group of {@code version}), or null
     * when the server or one of the tools the driver needs is not executable here.
     */
    public String installedVersion(java.util.regex.Pattern version, String server, String... tools) {
        if (!Files.isExecutable(Path.of(server)) || java.util.Arrays.stream(tools).anyMatch(t -> !Files.isExecutable(Path.of(t)))) {
            return null;
        }
        java.util.regex.Matcher m = version.matcher(account.runHere(List.of(server, "--version"), java.time.Duration.ofSeconds(10)).output());
        return m.find() ? m.group(1) : null;
    }

    public static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The last lines of a server's log, to explain a failure in a status message. */
    public static String logTail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return " | server log: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
