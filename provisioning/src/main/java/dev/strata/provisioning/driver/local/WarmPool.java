package dev.strata.provisioning.driver.local;

import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.database.InstanceSpec;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.QuickLiveness;
import dev.strata.domain.database.StorageSize;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.database.PortAllocator;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.secrets.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Spare, already started servers per engine ({@code STRATA_WARM_POOL_<ENGINE>}: PostgreSQL, MySQL and Redis; of the
 * engine's default version and the default size), so that a new database is a running server given its users rather than a server made and
 * started: hosted platforms' pre-warmed compute. A spare lives in {@code STRATA_DATA_DIR/spares/<engine>-<version>-<port>/}
 * on a port of {@code STRATA_PORT_RANGE} and holds no user data and no user credentials (its admin password is
 * Strata's, kept in memory only). It is never a database: not in the metadata database, never listed by the API.
 * <p>
 * Creating a database takes a spare ({@link #assign}, in the create's transaction): the spare gets the database's
 * users and passwords, then its port becomes the database's, so the port is published only once the credentials
 * work. The database's first reconcile renames the spare's directory into {@code instances/<db id>/}
 * ({@link LocalInstances#adoptSpare}). The reconciler's pass calls {@link #maintain}: spares that are no one's
 * (left by an earlier run of Strata, or by a create that rolled back) are stopped and removed, and the pool is
 * refilled in the background, one spare at a time per engine.
 */
@ApplicationScoped
public class WarmPool {

    private static final Logger LOG = Logger.getLogger(WarmPool.class.getName());
    /** A spare handed to a create is left alone this long before its database's row must show its port. */
    static final Duration CLAIM_GRACE = Duration.ofSeconds(60);
    /** After a spare failed to start, its engine's pool waits this long before the next try. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    /** The spares' role and database name, and the workspace written into their specs (never a real one). */
    private static final String SPARE_WORKSPACE = "spare";

    @Inject
    StrataConfig config;

    @Inject
    LocalInstances instances;

    @Inject
    EngineDrivers drivers;

    @Inject
    PortAllocator ports;

    /** Started spares nobody has taken, oldest first, by spare id. */
    private final Map<String, InstanceSpec> free = new LinkedHashMap<>();
    /** Spares being started, by spare id (their directories are not leftovers). */
    private final Map<String, Engine> starting = new HashMap<>();
    /** Spares handed to creates, by spare id, with when: their directories wait for their databases' first reconcile. */
    private final Map<String, Instant> claimed = new HashMap<>();
    /** Engines whose last spare failed to start, and when they may try again. */
    private final Map<Engine, Instant> failedUntil = new HashMap<>();

    /** Whether any engine has a pool here (local mode only). */
    public boolean enabled() {
        if (!"local".equals(config.driver())) {
            return false;
        }
        for (Engine e : Engine.values()) {
            if (size(e) > 0) {
                return true;
            }
        }
        return false;
    }

    private final Set<Engine> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The engine's pool size; a bad setting is said once and means no pool. */
    private int size(Engine engine) {
        try {
            return config.warmPoolSize(engine);
        } catch (IllegalStateException e) {
            if (warned.add(engine)) {
                LOG.log(Level.SEVERE, e.getMessage() + "; no warm pool for " + engine.wireName());
            }
            return 0;
        }
    }

    /** Whole cores, as the drivers turn a cpu quantity into settings. */
    private static long cores(CpuQuantity cpu) {
        return Math.max(1, (cpu.millicores() + 999) / 1000);
    }

    /** A spare's ports, the database's from the moment it is assigned: its port, and its TLS port (a local Redis in prefer mode) or null. */
    public record Ports(int port, Integer tlsPort) {
    }

    /**
     * As {@link #take} for an engine whose servers have one port (PostgreSQL, MariaDB): the spare's port, given to
     * {@code target} and returned.
     */
    public OptionalInt assign(Engine engine, String version, CpuQuantity cpu, MemoryQuantity memory, IntFunction<InstanceSpec> target) {
        Optional<Ports> ports = take(engine, version, cpu, memory, p -> target.apply(p.port()));
        return ports.isPresent() ? OptionalInt.of(ports.get().port()) : OptionalInt.empty();
    }

    /**
     * A free spare of {@code engine} {@code version} for a database of {@code cpu} and {@code memory} (the spare's
     * server was started with the settings they make: the same memory, the same whole cores), given the users and
     * passwords of {@code target} (called with the spare's ports): the ports, which are the database's from now on.
     * Empty when there is no such spare or it could not take the users (it is then thrown away): the database is
     * made the ordinary way.
     */
    public Optional<Ports> take(Engine engine, String version, CpuQuantity cpu, MemoryQuantity memory, Function<Ports, InstanceSpec> target) {
        if (!"local".equals(config.driver()) || size(engine) == 0) {
            return Optional.empty();
        }
        Optional<Target> driver = target(engine);
        if (driver.isEmpty()) {
            return Optional.empty();
        }
        InstanceSpec spare;
        synchronized (this) {
            spare = free.values().stream()
                    .filter(s -> s.engine() == engine && s.version().equals(version) && s.memory().mebibytes() == memory.mebibytes()
                            && cores(s.cpu()) == cores(cpu))
                    .findFirst().orElse(null);
            if (spare == null) {
                return Optional.empty();
            }
            free.remove(spare.id());
            claimed.put(spare.id(), Instant.now());
        }
        long started = System.nanoTime();
        try {
            Ports ports = new Ports(spare.port(), spare.tlsPort());
            InstanceSpec to = target.apply(ports);
            driver.get().driver().assignSpare(spare, to);
            instances.writePrivate(instances.dir(spare).resolve(LocalInstances.ASSIGNED), LocalInstances.assignedTo(to) + "\n");
            InstanceSpec taken = spare;
            LOG.info(() -> "spare " + taken.id() + " assigned in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            return Optional.of(ports);
        } catch (IOException | RuntimeException e) {
            LOG.warning("spare " + spare.id() + " could not be assigned, the database is made without it: " + e.getMessage());
            discard(spare.id());
            return Optional.empty();
        }
    }

    /**
     * The reconciler's pass: spares that are no one's are stopped and removed, dead free spares dropped, and each
     * engine's pool refilled through {@code background} (one spare at a time per engine). {@code databasePorts}: the
     * ports of every database, so that a spare assigned to a database that committed (and not yet adopted) is kept.
     */
    public void maintain(Set<Integer> databasePorts, Executor background) {
        sweep(databasePorts);
        for (Engine engine : Engine.values()) {
            int size = size(engine);
            if (size == 0) {
                continue;
            }
            Optional<Target> pool = target(engine);
            if (pool.isEmpty()) {
                continue;
            }
            SpareServers driver = pool.get().driver();
            String version = pool.get().version();
            String id = "reserving-" + engine.wireName();
            synchronized (this) {
                long have = free.values().stream().filter(s -> s.engine() == engine && s.version().equals(version)).count();
                Instant notBefore = failedUntil.get(engine);
                if (have >= size || starting.containsValue(engine) || notBefore != null && Instant.now().isBefore(notBefore)) {
                    continue;
                }
                starting.put(id, engine);
            }
            try {
                background.execute(() -> {
                    try {
                        startOne(driver, engine, version);
                    } finally {
                        synchronized (this) {
                            starting.remove(id);
                        }
                    }
                });
            } catch (RuntimeException e) {
                synchronized (this) {
                    starting.remove(id);
                }
                LOG.fine(() -> "no thread for a spare now: " + e.getMessage());
            }
        }
    }

    /** The free spares (for the tests and the metrics): their specs, passwords included; never log them. */
    synchronized List<InstanceSpec> freeSpares() {
        return List.copyOf(free.values());
    }

    private void startOne(SpareServers driver, Engine engine, String version) {
        int port;
        Integer tlsPort;
        try {
            port = ports.allocate();
            // a second port where the engine serves TLS on one of its own (a local Redis in prefer mode): the database's TLS port later
            tlsPort = driver instanceof EngineDriver d && d.needsTlsPort() ? ports.allocate() : null;
        } catch (dev.strata.domain.shared.UnprocessableException full) {
            // the range is full: looked at again after a pause, not at every pass (each look binds every port of it)
            LOG.warning("no port for a spare " + engine.wireName() + " server (next try in " + RETRY_AFTER.toSeconds() + " s): " + full.getMessage());
            synchronized (this) {
                failedUntil.put(engine, Instant.now().plus(RETRY_AFTER));
            }
            return;
        }
        InstanceSpec spare = new InstanceSpec(LocalInstances.spareId(engine, version, port), SPARE_WORKSPACE, null, engine, version,
                CpuQuantity.DEFAULT, MemoryQuantity.DEFAULT, StorageSize.DEFAULT, null, port, PostgresLocalDriver.SPARE_OWNER,
                PostgresLocalDriver.SPARE_OWNER, SecretBox.randomPassword(32), SecretBox.randomPassword(32), false, tlsPort);
        synchronized (this) {
            starting.put(spare.id(), engine);
        }
        long started = System.nanoTime();
        try {
            driver.startSpare(spare);
            synchronized (this) {
                free.put(spare.id(), spare);
                failedUntil.remove(engine);
            }
            LOG.info(() -> "spare " + spare.id() + " ready in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (RuntimeException e) {
            LOG.warning("spare " + spare.id() + " did not start (next try in " + RETRY_AFTER.toSeconds() + " s): " + e.getMessage());
            synchronized (this) {
                failedUntil.put(engine, Instant.now().plus(RETRY_AFTER));
            }
            destroy(instances.dir(spare));
        } finally {
            synchronized (this) {
                starting.remove(spare.id());
            }
        }
    }

    /**
     * Stops and removes every spare directory that is no one's: not free, not starting, not handed to a create in
     * the last {@link #CLAIM_GRACE}, and not assigned to a port a database has (that one waits for its database's
     * reconcile). After a restart of Strata that is every unassigned spare: spares are never adopted again by the
     * pool (their admin password was in memory only), they are replaced.
     */
    void sweep(Set<Integer> databasePorts) {
        Path dir = instances.sparesDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> gone = new ArrayList<>();
        synchronized (this) {
            Instant now = Instant.now();
            claimed.values().removeIf(since -> since.plus(CLAIM_GRACE).isBefore(now));
            free.values().removeIf(spare -> {
                if (target(spare.engine()).map(t -> t.driver() instanceof QuickLiveness l && !l.alive(spare)).orElse(true)) {
                    LOG.warning(() -> "spare " + spare.id() + " is not running any more; it is replaced");
                    return true;
                }
                return false;
            });
            try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
                for (Path p : all) {
                    String id = p.getFileName().toString();
                    if (Files.isSymbolicLink(p)) {
                        // the former path of an adopted spare, now a database's (see LocalInstances#adoptSpare): never
                        // a spare to stop; only a link left by a database removed meanwhile goes
                        if (!Files.exists(p)) {
                            Files.deleteIfExists(p);
                        }
                        continue;
                    }
                    if (free.containsKey(id) || starting.containsKey(id) || claimed.containsKey(id)) {
                        continue;
                    }
                    if (Files.exists(p.resolve(LocalInstances.ASSIGNED)) && databasePorts.contains(portOf(id))) {
                        continue;
                    }
                    gone.add(p);
                }
            } catch (IOException e) {
                LOG.warning("cannot list " + dir + ": " + e.getMessage());
            }
        }
        for (Path p : gone) {
            LOG.info(() -> "removing the spare server " + p.getFileName() + " (no one's)");
            destroy(p);
        }
    }

    private void discard(String id) {
        synchronized (this) {
            claimed.remove(id);
            free.remove(id);
        }
        destroy(instances.sparesDir().resolve(id));
    }

    /** Kills the spare's processes (it holds nothing to keep) and removes its directory. */
    private static void destroy(Path dir) {
        try {
            List<HostProcesses.HostProcess> all = HostProcesses.of(dir);
            if (!all.isEmpty() && !HostProcesses.kill(all, 10_000)) {
                LOG.warning("processes of " + dir + " did not stop: " + HostProcesses.describe(HostProcesses.of(dir)));
                return;
            }
            InstanceFiles.deleteRecursively(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot remove " + dir + ": " + e.getMessage());
        }
    }

    /** The port a spare id ends with, or -1. */
    static int portOf(String spareId) {
        int dash = spareId.lastIndexOf('-');
        try {
            return Integer.parseInt(spareId.substring(dash + 1));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** An engine's pool: the driver that keeps its spares, and the version they are of (the default one offered). */
    record Target(SpareServers driver, String version) {
    }

    private final Map<Engine, Optional<Target>> targets = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Instant targetsUntil = Instant.EPOCH;

    /**
     * The pool of {@code engine}: empty when its driver keeps no spares or it is not offered here. Looked up at most
     * once a minute (listing the installed versions costs; the reconciler asks every second).
     */
    Optional<Target> target(Engine engine) {
        if (Instant.now().isAfter(targetsUntil)) {
            targets.clear();
            targetsUntil = Instant.now().plusSeconds(60);
        }
        return targets.computeIfAbsent(engine, e -> {
            try {
                EngineDriver d = drivers.forEngine(e);
                if (d instanceof SpareServers s && s.engine() == e) {
                    return drivers.offer(e).map(o -> new Target(s, o.defaultVersion()));
                }
            } catch (RuntimeException ex) {
                // not offered here
            }
            return Optional.empty();
        });
    }
}
