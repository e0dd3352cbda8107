package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The URL- and DNS-safe name of a database, unique within its project: a DNS-1123 label (1-63 lowercase
 * letters, digits or '-', starting and ending with a letter or digit), so it can name containers, hosts
 * and Kubernetes objects as is. Taken exactly as given: surrounding whitespace is an error, not trimmed.
 */
public record Slug(String value) {

    public static final String FIELD = "slug";
    public static final int MAX_LENGTH = 63;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final String FALLBACK = "db";

    /** @throws InvalidInputException if {@code value} is null, blank, longer than 63 or not a DNS-1123 label */
    public Slug {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(FIELD, FIELD + " is required");
        }
        if (value.length() > MAX_LENGTH) {
            int length = value.codePointCount(0, value.length());
            if (length > MAX_LENGTH) {
                throw new InvalidInputException(FIELD,
                        FIELD + " must be at most " + MAX_LENGTH + " characters (got " + length + ")");
            }
        }
        if (!LABEL.matcher(value).matches()) {
            throw new InvalidInputException(FIELD, FIELD + " must be a DNS-1123 label: 1-" + MAX_LENGTH
                    + " lowercase letters, digits or '-', starting and ending with a letter or digit (got "
                    + Inputs.quoted(value) + ")");
        }
    }

    /**
     * A valid slug suggested from a display name: lowercased, each run of characters other than a-z and 0-9
     * replaced by one '-', '-' trimmed from both ends, cut to 63 characters (trimming a '-' the cut exposes),
     * and {@code db} if nothing is left. {@code "My Orders DB!"} becomes {@code my-orders-db}.
     */
    public static Slug derivedFrom(String name) {
        if (name == null) {
            return new Slug(FALLBACK);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder(MAX_LENGTH);
        boolean pendingDash = false;
        for (int i = 0; i < lower.length() && slug.length() < MAX_LENGTH; i++) {
            char c = lower.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                // A dash is only written between two kept characters: none leading, none trailing.
                if (pendingDash && slug.length() > 0) {
                    slug.append('-');
                    if (slug.length() == MAX_LENGTH) {
                        break;
                    }
                }
                pendingDash = false;
                slug.append(c);
            } else {
                pendingDash = true;
            }
        }
        int end = slug.length();
        while (end > 0 && slug.charAt(end - 1) == '-') {
            end--;
        }
        return new Slug(end == 0 ? FALLBACK : slug.substring(0, end));
    }
}
