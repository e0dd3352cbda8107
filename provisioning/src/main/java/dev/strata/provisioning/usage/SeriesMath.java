package dev.strata.provisioning.usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Series at the step ends of a {@link UsageRange}, from samples (figures that hold until the next) and from moments. */
public final class SeriesMath {

    private SeriesMath() {
    }

    /** A figure from {@code at} on. */
    public record Sample(Instant at, long value) {
    }

    /**
     * The value at each end: the latest sample at or before it, null before the first sample. {@code samples} may
     * come in any order and may start before the range (the value the range starts with).
     */
    public static List<Long> valuesAt(Collection<Sample> samples, List<Instant> ends) {
        List<Sample> sorted = samples.stream().sorted(java.util.Comparator.comparing(Sample::at)).toList();
        List<Long> out = new ArrayList<>(ends.size());
        int i = 0;
        Long current = null;
        for (Instant end : ends) {
            while (i < sorted.size() && !sorted.get(i).at().isAfter(end)) {
                current = sorted.get(i).value();
                i++;
            }
            out.add(current);
        }
        return out;
    }

    /**
     * How many moments fall into each step: after the previous end (for the first, after {@code start}) up to and
     * including the end. Moments outside the range are not counted.
     */
    public static List<Long> countsIn(Collection<Instant> moments, Instant start, List<Instant> ends) {
        long[] counts = new long[ends.size()];
        for (Instant m : moments) {
            if (m == null || !m.isAfter(start)) {
                continue;
            }
            for (int k = 0; k < ends.size(); k++) {
                if (!m.isAfter(ends.get(k))) {
                    counts[k]++;
                    break;
                }
            }
        }
        List<Long> out = new ArrayList<>(counts.length);
        for (long c : counts) {
            out.add(c);
        }
        return out;
    }
}
