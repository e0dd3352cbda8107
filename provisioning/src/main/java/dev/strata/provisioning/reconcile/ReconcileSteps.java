package dev.strata.provisioning.reconcile;

import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabaseRepository;
import dev.strata.domain.database.InstanceObservation;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.wake.FrontDoor;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The reconciler's short transactions: read a snapshot, record an observation, forget a deleted database. */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class ReconcileSteps {

    @Inject
    DatabaseRepository databases;

    @Inject
    SecretBox secrets;

    @Inject
    dev.strata.provisioning.database.PortAllocator ports;

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Inject
    dev.strata.provisioning.event.EventLog events;

    public List<String> allIds() {
        return databases.allIds();
    }

    /** Every port a database holds (public and server ports): the warm pool keeps the spares assigned to them. */
    public java.util.Set<Integer> usedPorts() {
        return databases.usedPorts();
    }

    public Optional<Work> snapshot(String id) {
        return databases.findById(id).map(d -> new Work(d.id(), d.engine(), d.generation(), d.converged(),
                d.deletionRequested(), d.sleepRequested(),
                d.spec(secrets.open(d.passwordSealed()), secrets.open(d.adminPasswordSealed())), d.restoreBackupId(), d.cloneSourceId(),
                d.port(), d.serverPort(), d.tlsPort(), d.serverTlsPort(), d.tlsPortUnfronted()));
    }

    /** The spec of a branch's parent to copy from: empty when it is gone or being deleted. */
    public Optional<dev.strata.domain.database.InstanceSpec> cloneSource(String parentId) {
        return databases.findById(parentId).filter(p -> !p.deletionRequested() && p.everReady())
                .map(p -> p.spec(secrets.open(p.passwordSealed()), secrets.open(p.adminPasswordSealed())));
    }

    /** The branch's copy is in place. */
    public void cloneFinished(String id, String note) {
        databases.findById(id).ifPresent(d -> d.cloneFinished(note, Instant.now()));
    }

    /** Records what was seen; false when the database changed or vanished meanwhile (the next pass sees it). */
    public boolean record(String id, long workedGeneration, InstanceObservation observation) {
        Optional<Database> db = databases.findById(id);
        if (db.isEmpty() || db.get().deletionRequested() && !observation.stopped()) {
            return false;
        }
        Database d = db.get();
        dev.strata.domain.database.DatabaseStatus before = d.status();
        d.recordObservation(workedGeneration, observation, Instant.now());
        if (d.status() != before) {
            events.record(dev.strata.domain.event.EventType.DATABASE_STATUS_CHANGED, d, "Database " + d.name() + " is "
                            + d.status().wireName() + " (was " + before.wireName() + ")"
                            + (d.statusMessage() == null ? "" : ": " + d.statusMessage()),
                    dev.strata.domain.event.EventData.builder().put("from", before.wireName()).put("to", d.status().wireName())
                            .put("statusMessage", d.statusMessage()).build());
        }
        return true;
    }

    /**
     * The ports of a sleeping database that Strata's front door holds from now on, each with the loopback port its
     * server listens on behind it: its public port and, when {@code tls}, its TLS port if it has one (the loopback
     * ports allocated from STRATA_PORT_RANGE the first time); empty when the database is gone.
     */
    public List<FrontDoor.Ports> frontPorts(String id, boolean tls) {
        Optional<Database> db = databases.findById(id).filter(d -> !d.deletionRequested() && d.port() != null);
        if (db.isEmpty()) {
            return List.of();
        }
        Database d = db.get();
        if (d.serverPort() == null) {
            d.frontWith(ports.allocate());
        }
        if (tls && d.tlsPortUnfronted()) {
            d.frontTlsWith(ports.allocate());
        }
        return Work.frontedPorts(d.port(), d.serverPort(), d.tlsPort(), d.serverTlsPort(), tls);
    }

    /**
     * The awake databases of projects whose databases sleep when idle, with the project's autoSleepMinutes (only
     * ready ones: a database being created, changed or restored is not idle).
     */
    public java.util.Map<String, Integer> idleSleepCandidates() {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        for (Object[] row : em.createQuery("select d.id, p.autoSleepMinutes from Database d, Project p where d.projectId = p.id"
                + " and p.autoSleepMinutes > 0 and d.sleepRequested = false and d.deletionRequested = false and d.status = :ready", Object[].class)
                .setParameter("ready", dev.strata.domain.database.DatabaseStatus.READY).getResultList()) {
            out.put((String) row[0], (Integer) row[1]);
        }
        return out;
    }

    /** The server and its files are gone: the database stops existing. */
    public void forget(String id) {
        databases.findById(id).filter(Database::deletionRequested).ifPresent(d -> {
            databases.remove(d);
            events.record(dev.strata.domain.event.EventType.DATABASE_DELETED, d, "Database " + d.name() + " was deleted (its server and data are gone)",
                    dev.strata.domain.event.EventData.builder().put("name", d.name()).put("slug", d.slug().value()).build());
        });
    }

    /** The server of a ready database had died and Strata started it again ({@code reason}: what the health check saw). */
    public void restarted(String id, String reason) {
        databases.findById(id).filter(d -> !d.deletionRequested()).ifPresent(d ->
                events.record(dev.strata.domain.event.EventType.DATABASE_RESTARTED, d, "Database " + d.name()
                                + " stopped answering and was restarted" + (reason == null ? "" : " (" + reason + ")"),
                        dev.strata.domain.event.EventData.builder().put("reason", reason).build()));
    }

    /**
     * Databases with work left for the reconciler beyond watching their server: being created, changed, restored,
     * copied, woken, put to sleep or deleted, failing, or recorded as not answering. One query, no locks.
     */
    public List<String> unsettledIds() {
        return em.createQuery("select d.id from Database d where d.deletionRequested = true or d.failing = true"
                + " or d.observedGeneration <> d.generation or d.restoreBackupId is not null or d.cloneSourceId is not null"
                + " or (d.sleepRequested = false and d.readyReplicas = 0) or (d.sleepRequested = true and d.observedStopped = false)"
                + " order by d.id", String.class).getResultList();
    }

    /**
     * Takes or renews the reconciler's lease: true when this control plane holds it. Reads without a lock first, and
     * writes (under a row lock) only to take the lease or to renew it once less than half its time is left.
     */
    public boolean claimLease(String holder, Duration ttl) {
        Instant now = Instant.now();
        ReconcilerLease seen = em.find(ReconcilerLease.class, ReconcilerLease.ID);
        if (seen != null && seen.heldBy(holder, now, ttl.dividedBy(2))) {
            return true;
        }
        if (seen != null && seen.heldByAnother(holder, now)) {
            return false;
        }
        if (seen != null) {
            em.detach(seen); // read again below, under the lock
        }
        ReconcilerLease lease = em.find(ReconcilerLease.class, ReconcilerLease.ID, LockModeType.PESSIMISTIC_WRITE);
        if (lease == null) {
            em.persist(new ReconcilerLease(holder, now.plus(ttl)));
            return true;
        }
        return lease.claim(holder, now, now.plus(ttl));
    }
}
