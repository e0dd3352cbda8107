package dev.strata.provisioning.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The span a chart shows and how finely: the last day in hours, the last week in six-hour steps. */
public enum UsageRange {
    DAY(Duration.ofDays(1), Duration.ofHours(1)),
    WEEK(Duration.ofDays(7), Duration.ofHours(6));

    private final Duration span;
    private final Duration step;

    UsageRange(Duration span, Duration step) {
        this.span = span;
        this.step = step;
    }

    public Duration span() { return span; }
    public Duration step() { return step; }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The range a {@code ?range=} parameter names; empty for anything else (absent included). */
    public static java.util.Optional<UsageRange> parse(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        String name = text.strip().toLowerCase(Locale.ROOT);
        for (UsageRange r : values()) {
            if (r.wireName().equals(name)) {
                return java.util.Optional.of(r);
            }
        }
        return java.util.Optional.empty();
    }

    /** Where the range starts when it ends at {@code now}: one step before its first end. */
    public Instant start(Instant now) {
        return ends(now).get(0).minus(step);
    }

    /**
     * The ends of the range's steps, oldest first: whole steps in UTC (on the hour for a day, at 00, 06, 12 and
     * 18 h for a week), the last one {@code now}. A figure "at" an end is its value at that moment, a count "in" a
     * step counts what happened after the previous end up to this one.
     */
    public List<Instant> ends(Instant now) {
        int n = (int) (span.toSeconds() / step.toSeconds());
        long stepSeconds = step.toSeconds();
        long floor = Math.floorDiv(now.getEpochSecond(), stepSeconds) * stepSeconds;
        Instant last = Instant.ofEpochSecond(floor);
        if (!last.isBefore(now)) {
            last = last.minus(step);
        }
        List<Instant> out = new ArrayList<>(n);
        for (int i = n - 2; i >= 0; i--) {
            out.add(last.minus(step.multipliedBy(i)));
        }
        out.add(now);
        return out;
    }
}
