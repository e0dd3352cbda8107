package dev.strata.domain.shared;

/** A human-readable name (of a project, a database): 1-200 characters after trimming, no control characters. */
public record DisplayName(String value) {

    public static final int MAX = 200;

    public DisplayName {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("name", "name is required");
        }
        value = value.strip();
        if (value.length() > MAX) {
            throw new InvalidInputException("name", "name must be at most " + MAX + " characters (got " + value.length() + ")");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("name", "name must not contain control characters");
        }
    }
}
