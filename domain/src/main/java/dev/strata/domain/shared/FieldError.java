package dev.strata.domain.shared;

/** One broken rule about one input field, in words a user can act on. */
public record FieldError(String field, String message) {
}
