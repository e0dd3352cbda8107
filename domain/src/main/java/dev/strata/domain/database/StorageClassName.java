package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;
import java.util.regex.Pattern;

/**
 * The name of a Kubernetes StorageClass a database's volume is made from: a DNS-1123 subdomain, as Kubernetes
 * requires of object names (at most 253 lowercase letters, digits, '-' and '.', each dot-separated part starting and
 * ending with a letter or digit). The metadata column holds {@link #MAX_LENGTH} characters, so every valid name fits.
 */
public record StorageClassName(String value) {

    public static final String FIELD = "storageClass";
    public static final int MAX_LENGTH = 253;

    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** @throws InvalidInputException if {@code value} is not a DNS-1123 subdomain of at most 253 characters */
    public StorageClassName {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException(FIELD, FIELD + " must not be empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidInputException(FIELD, FIELD + " must be at most " + MAX_LENGTH + " characters (got "
                    + value.codePointCount(0, value.length()) + ")");
        }
        if (!SUBDOMAIN.matcher(value).matches()) {
            throw new InvalidInputException(FIELD, FIELD + " must be a Kubernetes StorageClass name: lowercase letters, digits, '-' and '.',"
                    + " each dot-separated part starting and ending with a letter or digit (got " + Inputs.quoted(value) + ")");
        }
    }
}
