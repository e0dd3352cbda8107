package dev.strata.domain.shared;

import java.util.List;

/** Input that breaks a rule by itself (wrong format, out of range): the request can never succeed as sent. */
public class InvalidInputException extends DomainException {

    public InvalidInputException(String field, String message) {
        this(message, List.of(new FieldError(field, message)));
    }

    public InvalidInputException(String message, List<FieldError> errors) {
        super(message, errors);
    }
}
