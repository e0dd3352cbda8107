package dev.strata.domain.shared;

import jakarta.ejb.ApplicationException;
import java.util.List;

/**
 * A broken business rule. Subclasses say which kind; the API maps each kind to one HTTP status in one
 * place and the dashboard shows the message. Rolls back the transaction and reaches callers unwrapped.
 */
@ApplicationException(rollback = true)
public abstract class DomainException extends RuntimeException {

    private final List<FieldError> errors;

    protected DomainException(String message, List<FieldError> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    /** Per-field errors, empty when the problem is not about a single input. */
    public List<FieldError> errors() {
        return errors;
    }
}
