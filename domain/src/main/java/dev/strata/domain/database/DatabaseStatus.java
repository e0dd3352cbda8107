package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a database is in its life, and which status may follow which. The table of legal transitions is
 * {@code NEXT}, and only there; staying in the same status is always legal (a no-op).
 */
public enum DatabaseStatus {
    /** Being created; not yet reachable. */
    PROVISIONING,
    /** Running and reachable. */
    READY,
    /** Running a change (resize, restart, version change); may be briefly unreachable. */
    UPDATING,
    /** Stopped to save resources, data kept; wakes on demand. */
    SLEEPING,
    /** The last operation failed; needs a retry or deletion. */
    ERROR,
    /** Being torn down; nothing can stop or reverse it. */
    DELETING;

    /** For each status, the other statuses it may become. Everything not listed here is illegal. */
    private static final Map<DatabaseStatus, Set<DatabaseStatus>> NEXT = new EnumMap<>(DatabaseStatus.class);

    static {
        // Every status but DELETING may go to ERROR (an operation failed) or DELETING (the user deletes it,
        // whatever it is doing). DELETING is final: a half-deleted database is never handed back.

        // A create ends in READY or ERROR; it cannot sleep or be updated before it has ever run.
        allow(PROVISIONING, READY, ERROR, DELETING);
        // From READY a database is changed (UPDATING) or put to sleep (SLEEPING).
        allow(READY, UPDATING, SLEEPING, ERROR, DELETING);
        // An update ends in READY, or in SLEEPING when it was applied to a sleeping database (which stays asleep).
        allow(UPDATING, READY, SLEEPING, ERROR, DELETING);
        // A sleeper wakes (READY) or is changed while asleep (UPDATING) without being woken for good.
        allow(SLEEPING, UPDATING, READY, ERROR, DELETING);
        // ERROR -> PROVISIONING: a retry of a create that never became READY. ERROR -> READY / SLEEPING: a
        // health check or reconcile finds the database running / stopped after all. ERROR -> UPDATING: a
        // retried or corrective change. ERROR is never a dead end.
        allow(ERROR, PROVISIONING, READY, UPDATING, SLEEPING, DELETING);
        allow(DELETING);
    }

    private static void allow(DatabaseStatus from, DatabaseStatus... to) {
        EnumSet<DatabaseStatus> next = EnumSet.noneOf(DatabaseStatus.class);
        next.addAll(Arrays.asList(to));
        NEXT.put(from, Collections.unmodifiableSet(next));
    }

    private static final Map<String, DatabaseStatus> BY_NAME = new HashMap<>();
    private static final String CHOICES =
            Arrays.stream(values()).map(DatabaseStatus::wireName).collect(Collectors.joining(", "));

    static {
        for (DatabaseStatus s : values()) {
            BY_NAME.put(s.wireName(), s);
        }
    }

    /** The name used in the API and the database: the constant in lowercase, e.g. {@code provisioning}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status named by {@code text}, ignoring surrounding whitespace and case.
     *
     * @param field the input field named in the error, e.g. {@code status}
     * @throws InvalidInputException if {@code text} is null, blank or names no status
     */
    public static DatabaseStatus parse(String field, String text) {
        String name = Inputs.required(field, text);
        DatabaseStatus status = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (status == null) {
            throw new InvalidInputException(field,
                    field + " must be one of " + CHOICES + " (got " + Inputs.quoted(name) + ")");
        }
        return status;
    }

    /** Whether a database in this status may move to {@code next}; always true for the same status. */
    public boolean canBecome(DatabaseStatus next) {
        Objects.requireNonNull(next, "next");
        return next == this || NEXT.get(this).contains(next);
    }

    /**
     * {@code next}, if this status may become it.
     *
     * @throws IllegalStatusTransitionException if it may not
     */
    public DatabaseStatus transitionTo(DatabaseStatus next) {
        if (!canBecome(next)) {
            throw new IllegalStatusTransitionException(this, next);
        }
        return next;
    }
}
