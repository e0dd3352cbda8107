package dev.strata.domain.shared;

import java.util.List;

/** The request clashes with what exists: a taken slug, or a change the object's state does not allow now. */
public class ConflictException extends DomainException {

    public ConflictException(String message) {
        super(message, List.of());
    }

    public ConflictException(String field, String message) {
        super(message, List.of(new FieldError(field, message)));
    }
}
