package dev.strata.web.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * The optional bearer token of {@code /metrics} ({@code STRATA_METRICS_TOKEN}): when it is set, a scrape must send
 * {@code Authorization: Bearer <token>}; when it is not, {@code /metrics} is open, as health is. The comparison takes
 * the same time whatever the request sends (both sides are hashed first, so neither the length nor the first
 * differing character shows in the answer's timing).
 */
public final class MetricsToken {

    private static final String SCHEME = "bearer ";

    private MetricsToken() {
    }

    /** Whether a request with the {@code Authorization} header {@code authorization} (null when absent) may scrape. */
    public static boolean admits(Optional<String> token, String authorization) {
        if (token.isEmpty()) {
            return true;
        }
        String given = "";
        if (authorization != null && authorization.length() > SCHEME.length()
                && authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            given = authorization.substring(SCHEME.length()).trim();
        }
        boolean same = MessageDigest.isEqual(sha256(token.get()), sha256(given));
        return same && !given.isEmpty();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
