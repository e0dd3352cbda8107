package dev.strata.provisioning.usage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One chart's figures: a value per series at each step end of a {@link UsageRange} (null where nothing was known
 * yet). {@code key} names the chart for the page ({@code storage}, {@code connections}, ...).
 */
public record UsageChart(String key, String title, Kind kind, Unit unit, List<Instant> ends, List<Series> series) {

    /** LINE: a figure at each end (it holds until it changes); BAR: how many things happened in each step. */
    public enum Kind { LINE, BAR }

    public enum Unit { BYTES, COUNT }

    public record Series(String label, List<Long> values) {
    }

    /** Whether there is nothing to draw: no figure known at all, or nothing happened in the whole range. */
    public boolean empty() {
        return series.stream().flatMap(s -> s.values().stream()).filter(Objects::nonNull)
                .noneMatch(v -> kind == Kind.LINE || v != 0);
    }
}
