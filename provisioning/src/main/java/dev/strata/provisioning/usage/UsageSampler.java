package dev.strata.provisioning.usage;

import dev.strata.domain.database.ClientConnections;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.storage.StorageUsage;
import dev.strata.domain.usage.UsageMetric;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.reconcile.Reconciler;
import dev.strata.provisioning.storage.Buckets;
import dev.strata.provisioning.wake.FrontDoor;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps the usage history the dashboard charts: every {@code STRATA_USAGE_SAMPLE_SECONDS} (300) the control plane that
 * holds the reconciler's lease reads what the metadata database already records (storage each database uses, as
 * the reconciler observed it; databases per status), asks each ready, awake server once for its client count (a
 * sleeping server is never woken or asked) and measures each project's buckets, then stores in ONE transaction only
 * the figures that changed since their last sample; at rest it writes nothing. Once an hour samples older than
 * {@link #RETENTION} are dropped (in a tick's transaction); a figure that has not changed for
 * {@link #REFRESH_AFTER} is stored again so that a week's chart still knows the value it starts with.
 */
@Singleton
@Startup
@DependsOn("Reconciler")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class UsageSampler {

    private static final Logger LOG = Logger.getLogger(UsageSampler.class.getName());
    public static final Duration RETENTION = Duration.ofDays(8);
    static final Duration REFRESH_AFTER = Duration.ofDays(7);
    /** How often samples past the retention are dropped (a statement that mostly deletes nothing: not every tick). */
    static final Duration PRUNE_EVERY = Duration.ofHours(1);

    @Resource
    ManagedScheduledExecutorService timer;

    @Inject
    StrataConfig config;

    @Inject
    UsageSamples samples;

    @Inject
    EngineDrivers drivers;

    @Inject
    FrontDoor frontDoor;

    @Inject
    Buckets buckets;

    @Inject
    Reconciler reconciler;

    /** The last stored sample of each series; null until read (again) after this instance became the leader. */
    private Map<ChangeOnly.Key, UsageSamples.Stored> last;
    private ScheduledFuture<?> ticking;
    private Instant lastPruned;

    @PostConstruct
    void start() {
        long every = config.usageSampleInterval().toMillis();
        // the first tick soon after start, so a fresh control plane has a first point without waiting a whole interval
        ticking = timer.scheduleWithFixedDelay(this::tick, Math.min(every, 20_000), every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    synchronized void tick() {
        if (!reconciler.leader()) {
            last = null;
            return;
        }
        try {
            if (last == null) {
                last = samples.latest();
            }
            Map<ChangeOnly.Key, Long> observed = new HashMap<>(samples.recorded());
            observed.putAll(connections());
            observed.putAll(objectStorage());
            Instant now = Instant.now();
            Map<ChangeOnly.Key, Long> lastValues = new HashMap<>();
            last.forEach((k, s) -> lastValues.put(k, s.value()));
            Map<ChangeOnly.Key, Long> write = new HashMap<>(ChangeOnly.changes(lastValues, observed));
            Instant stale = now.minus(REFRESH_AFTER);
            last.forEach((k, s) -> {
                if (s.at().isBefore(stale) && observed.containsKey(k)) {
                    write.putIfAbsent(k, observed.get(k));
                }
            });
            boolean prune = lastPruned == null || lastPruned.isBefore(now.minus(PRUNE_EVERY));
            if (!write.isEmpty() || prune) {
                samples.store(write, now, prune ? now.minus(RETENTION) : null);
                lastPruned = prune ? now : lastPruned;
            }
            write.forEach((k, v) -> last.put(k, new UsageSamples.Stored(v, now)));
            last.entrySet().removeIf(e -> e.getValue().at().isBefore(now.minus(RETENTION)));
        } catch (RuntimeException e) {
            last = null; // read again next time: what was stored is not known
            LOG.warning("usage history: this sample was not taken: " + e);
        }
    }

    private Map<ChangeOnly.Key, Long> connections() {
        Map<ChangeOnly.Key, Long> out = new HashMap<>();
        for (UsageSamples.Awake db : samples.awake()) {
            EngineDriver driver = drivers.forEngine(db.engine());
            if (!(driver instanceof ClientConnections counter)) {
                continue;
            }
            try {
                long clients = Math.max(counter.clientConnections(db.spec()), frontDoor.connections(db.id()));
                out.put(new ChangeOnly.Key(db.workspaceId(), db.id(), UsageMetric.CLIENT_CONNECTIONS), clients);
            } catch (RuntimeException e) {
                LOG.fine(() -> "usage history: database " + db.id() + " was not counted: " + e.getMessage());
            }
        }
        return out;
    }

    private Map<ChangeOnly.Key, Long> objectStorage() {
        Map<ChangeOnly.Key, Long> out = new HashMap<>();
        try {
            Map<String, StorageUsage> usage = buckets.usageByProject();
            Map<String, String> workspaces = samples.projectWorkspaces(usage.keySet());
            usage.forEach((projectId, u) -> {
                String ws = workspaces.get(projectId);
                if (ws != null) {
                    out.put(new ChangeOnly.Key(ws, projectId, UsageMetric.OBJECT_STORAGE_BYTES), u.bytes());
                }
            });
        } catch (RuntimeException e) {
            LOG.fine(() -> "usage history: the object store was not measured: " + e.getMessage());
        }
        return out;
    }
}
