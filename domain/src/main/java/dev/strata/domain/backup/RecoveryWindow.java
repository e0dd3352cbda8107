package dev.strata.domain.backup;

import java.time.Instant;
import java.util.List;

/**
 * To which moments a database can be restored (into itself or into a branch). With a continuous archive
 * ({@code pointInTime}) any instant from {@code earliest} (the oldest base backup still kept) to {@code latest};
 * without one (Redis) only the moments of its completed backups, {@code snapshots}, newest first. {@code message}
 * says in words what is possible and, when nothing is, why.
 */
public record RecoveryWindow(boolean pointInTime, Instant earliest, Instant latest, List<Instant> snapshots, String message) {

    /** Whether {@code t} lies in the window (both ends included). */
    public boolean contains(Instant t) {
        return pointInTime && earliest != null && latest != null && !t.isBefore(earliest) && !t.isAfter(latest);
    }
}
