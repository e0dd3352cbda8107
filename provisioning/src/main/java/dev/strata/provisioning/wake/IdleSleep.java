package dev.strata.provisioning.wake;

import dev.strata.domain.database.ClientConnections;
import dev.strata.domain.database.EngineDriver;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.reconcile.ReconcileSteps;
import dev.strata.provisioning.reconcile.Reconciler;
import dev.strata.provisioning.reconcile.Work;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Idle sleep: a project's {@code autoSleepMinutes}. Every {@code STRATA_IDLE_CHECK_SECONDS} the control plane that
 * holds the reconciler's lease asks the server of each awake database of such a project how many clients it has
 * (Strata's own connections not counted); a database with none for that many minutes sleeps, and, with wake on
 * connect, the next client wakes it. The time since the last client is kept in memory: after a restart of Strata the
 * count starts again (a database sleeps later, never earlier).
 */
@Singleton
@Startup
@DependsOn("Reconciler")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class IdleSleep {

    private static final Logger LOG = Logger.getLogger(IdleSleep.class.getName());

    @Resource
    ManagedScheduledExecutorService timer;

    @Inject
    StrataConfig config;

    @Inject
    ReconcileSteps steps;

    @Inject
    EngineDrivers drivers;

    @Inject
    Databases databases;

    @Inject
    Reconciler reconciler;

    @Inject
    FrontDoor frontDoor;

    /** When each candidate was last seen with a client (or first seen at all). */
    private final Map<String, Instant> lastBusy = new ConcurrentHashMap<>();
    /** The databases whose clients could not be counted, warned about once until a count works again. */
    private final Set<String> uncounted = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> ticking;

    @PostConstruct
    void start() {
        long every = config.idleCheckInterval().toMillis();
        ticking = timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    void check() {
        if (!reconciler.leader()) {
            return;
        }
        Map<String, Integer> candidates;
        try {
            candidates = steps.idleSleepCandidates();
        } catch (RuntimeException e) {
            LOG.warning("idle sleep: cannot read the databases: " + e.getMessage());
            return;
        }
        lastBusy.keySet().retainAll(candidates.keySet());
        uncounted.retainAll(candidates.keySet());
        Instant now = Instant.now();
        candidates.forEach((id, minutes) -> {
            Instant since = lastBusy.computeIfAbsent(id, k -> now);
            int clients;
            try {
                Optional<Work> work = steps.snapshot(id);
                EngineDriver driver = work.isEmpty() ? null : drivers.forEngine(work.get().engine());
                if (!(driver instanceof ClientConnections counter)) {
                    return;
                }
                clients = Math.max(counter.clientConnections(work.get().spec()), frontDoor.connections(id));
            } catch (RuntimeException e) {
                // a server that cannot be asked is not known to be idle: it does not sleep while this lasts. Said once
                // per database (the messages are the drivers', which never hold a password), then at FINE
                lastBusy.put(id, now);
                if (uncounted.add(id)) {
                    LOG.warning("idle sleep: cannot count the clients of database " + id + ", so it does not sleep by itself: " + e.getMessage());
                } else {
                    LOG.fine(() -> "idle sleep: database " + id + ": " + e.getMessage());
                }
                return;
            }
            if (uncounted.remove(id)) {
                LOG.info(() -> "idle sleep: the clients of database " + id + " are counted again");
            }
            if (clients > 0) {
                lastBusy.put(id, now);
            } else if (Duration.between(since, now).compareTo(config.autoSleepMinute().multipliedBy(minutes)) >= 0) {
                try {
                    if (databases.sleepWhenIdle(id)) {
                        LOG.info(() -> "database " + id + " had no clients for " + minutes + " minute(s): it sleeps (autoSleepMinutes)");
                    }
                    lastBusy.remove(id);
                } catch (RuntimeException e) {
                    LOG.fine(() -> "idle sleep: database " + id + " did not sleep now (tried again): " + e.getMessage());
                }
            }
        });
    }
}
