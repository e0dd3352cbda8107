package dev.strata.provisioning.reconcile;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** Which Strata instance may reconcile, until when. One row. */
@Entity
@Table(name = "strata_reconciler_lease")
public class ReconcilerLease {

    static final String ID = "reconciler";

    @Id
    @Column(length = 40)
    private String id;

    @Version
    private long version;

    @Column(nullable = false, length = 200)
    private String holder;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    protected ReconcilerLease() {
    }

    ReconcilerLease(String holder, Instant expiresAt) {
        this.id = ID;
        this.holder = holder;
        this.expiresAt = expiresAt;
    }

    /**
     * Whether {@code candidate} may act without writing: it holds the lease for at least {@code margin} more. A
     * renewal is written only when less is left, so a control plane at rest does not write every second.
     */
    boolean heldBy(String candidate, Instant now, java.time.Duration margin) {
        return holder.equals(candidate) && expiresAt.isAfter(now.plus(margin));
    }

    /** Whether another control plane holds the lease now (nothing to write: it is not ours to take). */
    boolean heldByAnother(String candidate, Instant now) {
        return !holder.equals(candidate) && !expiresAt.isBefore(now);
    }

    /** Takes or renews the lease if it is ours or has expired. */
    boolean claim(String candidate, Instant now, Instant until) {
        if (holder.equals(candidate) || expiresAt.isBefore(now)) {
            holder = candidate;
            expiresAt = until;
            return true;
        }
        return false;
    }
}
