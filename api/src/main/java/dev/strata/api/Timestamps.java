package dev.strata.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps on the wire: UTC, ISO-8601, whole seconds ({@code 2025-04-10T09:00:00Z}), as the seed shows. */
public final class Timestamps {

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
