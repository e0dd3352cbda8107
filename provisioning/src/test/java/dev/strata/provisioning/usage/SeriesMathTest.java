package dev.strata.provisioning.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Figures at step ends and counts per step, as the usage charts show them. */
class SeriesMathTest {

    private static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");

    @Test
    void aDayHas24HourlyEndsTheLastOneNow() {
        List<Instant> ends = UsageRange.DAY.ends(NOW);
        assertThat(ends).hasSize(24).first().isEqualTo(Instant.parse("2026-12-05T16:00:00Z"));
        assertThat(ends).last().isEqualTo(NOW);
        assertThat(UsageRange.DAY.start(NOW)).isEqualTo(Instant.parse("2026-12-05T15:00:00Z"));
        assertThat(UsageRange.WEEK.ends(NOW)).hasSize(28).first().isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
    }

    @Test
    void stepsEndOnWholeHoursOrQuarterDaysAndTheLastEndIsNow() {
        Instant later = Instant.parse("2026-12-06T15:52:10Z");
        List<Instant> day = UsageRange.DAY.ends(later);
        assertThat(day).hasSize(24).endsWith(Instant.parse("2026-12-06T14:00:00Z"), Instant.parse("2026-12-06T15:00:00Z"), later);
        assertThat(day.get(0)).isEqualTo(Instant.parse("2026-12-05T17:00:00Z"));
        List<Instant> week = UsageRange.WEEK.ends(later);
        assertThat(week).hasSize(28).endsWith(Instant.parse("2026-12-06T06:00:00Z"), Instant.parse("2026-12-06T12:00:00Z"), later);
        assertThat(UsageRange.WEEK.start(later)).isEqualTo(Instant.parse("2026-11-29T18:00:00Z"));
    }

    @Test
    void aFigureHoldsFromItsSampleUntilTheNext() {
        List<Instant> ends = UsageRange.DAY.ends(NOW);
        List<SeriesMath.Sample> samples = List.of(
                new SeriesMath.Sample(NOW.minus(Duration.ofHours(30)), 100), // before the range: the value it starts with
                new SeriesMath.Sample(NOW.minus(Duration.ofMinutes(150)), 300),
                new SeriesMath.Sample(NOW.minus(Duration.ofHours(10)), 200));
        List<Long> values = SeriesMath.valuesAt(samples, ends);
        assertThat(values.get(0)).isEqualTo(100L);
        assertThat(values.get(12)).isEqualTo(100L); // 11 hours ago
        assertThat(values.get(13)).isEqualTo(200L); // 10 hours ago: the sample at that very moment counts
        assertThat(values.get(20)).isEqualTo(200L); // 3 hours ago
        assertThat(values.get(21)).isEqualTo(300L); // 2 hours ago
        assertThat(values.get(23)).isEqualTo(300L);
    }

    @Test
    void beforeTheFirstSampleNothingIsKnown() {
        List<Long> values = SeriesMath.valuesAt(List.of(new SeriesMath.Sample(NOW.minus(Duration.ofMinutes(30)), 7)), UsageRange.DAY.ends(NOW));
        assertThat(values.subList(0, 23)).containsOnlyNulls();
        assertThat(values.get(23)).isEqualTo(7L);
    }

    @Test
    void momentsAreCountedInTheStepTheyFallInto() {
        List<Instant> ends = UsageRange.DAY.ends(NOW);
        Instant start = UsageRange.DAY.start(NOW);
        List<Long> counts = SeriesMath.countsIn(Arrays.asList(
                start, // at the start: belongs to the step before the range
                start.minusSeconds(1),
                NOW.minus(Duration.ofMinutes(10)),
                NOW.minus(Duration.ofMinutes(59)),
                NOW.minus(Duration.ofMinutes(60)), // exactly an end: counted in the step it ends
                NOW.plusSeconds(5), // after now: not in the range
                null), start, ends);
        assertThat(counts).hasSize(24);
        assertThat(counts.get(23)).isEqualTo(2L);
        assertThat(counts.get(22)).isEqualTo(1L);
        assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(3L);
    }

    @Test
    void rangesAreParsedFromTheQueryParameter() {
        assertThat(UsageRange.parse("week")).contains(UsageRange.WEEK);
        assertThat(UsageRange.parse(" DAY ")).contains(UsageRange.DAY);
        assertThat(UsageRange.parse("month")).isEmpty();
        assertThat(UsageRange.parse(null)).isEmpty();
    }

    @Test
    void aChartWithNothingInItIsEmpty() {
        List<Instant> ends = UsageRange.DAY.ends(NOW);
        List<Long> nulls = java.util.Collections.nCopies(24, null);
        List<Long> zeros = java.util.Collections.nCopies(24, 0L);
        assertThat(new UsageChart("storage", "Storage used", UsageChart.Kind.LINE, UsageChart.Unit.BYTES, ends,
                List.of(new UsageChart.Series("Storage used", nulls))).empty()).isTrue();
        assertThat(new UsageChart("connections", "Client connections", UsageChart.Kind.LINE, UsageChart.Unit.COUNT, ends,
                List.of(new UsageChart.Series("Client connections", zeros))).empty()).isFalse(); // zero clients is a figure
        assertThat(new UsageChart("restarts", "Restarts", UsageChart.Kind.BAR, UsageChart.Unit.COUNT, ends,
                List.of(new UsageChart.Series("Restarts", zeros))).empty()).isTrue(); // nothing happened
    }
}
