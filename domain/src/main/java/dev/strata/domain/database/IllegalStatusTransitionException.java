package dev.strata.domain.database;

import dev.strata.domain.shared.ConflictException;

/** A database was asked to move to a status its current status does not lead to, e.g. deleting to ready. */
public class IllegalStatusTransitionException extends ConflictException {

    private final DatabaseStatus from;
    private final DatabaseStatus to;

    public IllegalStatusTransitionException(DatabaseStatus from, DatabaseStatus to) {
        super("a database that is " + from.wireName() + " cannot become " + to.wireName());
        this.from = from;
        this.to = to;
    }

    public DatabaseStatus from() {
        return from;
    }

    public DatabaseStatus to() {
        return to;
    }
}
