package dev.strata.domain.shared;

import java.util.List;

/**
 * Which page of a list a caller asked for, by the seed's rules: {@code page} ≥ 1 (default 1), {@code limit} 1–100
 * (default 20). Parsed from the raw query strings so that a bad value is the caller's 400, never a 404.
 */
public record PageRequest(int page, int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    public int offset() {
        return (page - 1) * limit;
    }

    public int totalPages(long total) {
        return (int) ((total + limit - 1) / limit);
    }

    /** The page asked for; each bad value adds its {@link FieldError} to {@code errors} (and its default is used). */
    public static PageRequest parse(String pageRaw, String limitRaw, List<FieldError> errors) {
        int page = intParam(errors, "page", pageRaw, 1, 1, Integer.MAX_VALUE / MAX_LIMIT);
        int limit = intParam(errors, "limit", limitRaw, DEFAULT_LIMIT, 1, MAX_LIMIT);
        return new PageRequest(page, limit);
    }

    private static int intParam(List<FieldError> errors, String field, String raw, int dflt, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
            errors.add(new FieldError(field, field + " must be between " + min + " and " + max + " (got " + v + ")"));
        } catch (NumberFormatException e) {
            errors.add(new FieldError(field, field + " must be an integer (got " + Shown.quoted(raw) + ")"));
        }
        return dflt;
    }
}
