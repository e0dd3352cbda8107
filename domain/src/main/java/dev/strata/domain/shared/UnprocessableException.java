package dev.strata.domain.shared;

import java.util.List;

/**
 * Well-formed input that cannot be carried out given the current state or what this host offers
 * (a version that is not installed, storage smaller than today's).
 */
public class UnprocessableException extends DomainException {

    public UnprocessableException(String field, String message) {
        super(message, List.of(new FieldError(field, message)));
    }

    public UnprocessableException(String message) {
        super(message, List.of());
    }
}
