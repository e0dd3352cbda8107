package dev.strata.provisioning.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MetricsQueriesTest {

    private static final Instant T = Instant.parse("2026-12-06T03:00:14.123Z");

    @Test
    void aMaximumOfAConvertedTimeIsReadWhateverTypeTheDriverGives() {
        assertThat(MetricsQueries.instant(null)).isNull();
        assertThat(MetricsQueries.instant(T)).isEqualTo(T);
        assertThat(MetricsQueries.instant(Timestamp.from(T))).isEqualTo(T);
        assertThat(MetricsQueries.instant(java.util.Date.from(T))).isEqualTo(T);
        assertThat(MetricsQueries.instant(LocalDateTime.ofInstant(T, ZoneOffset.UTC))).isEqualTo(T);
        assertThat(MetricsQueries.instant(OffsetDateTime.ofInstant(T, ZoneOffset.ofHours(2)))).isEqualTo(T);
        assertThatThrownBy(() -> MetricsQueries.instant("yesterday")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLastFinishedBackupDecidesTheResult() {
        assertThat(new ScrapeFigures.BackupOutcome("db_a", "redis", T, null).lastSucceeded()).isTrue();
        assertThat(new ScrapeFigures.BackupOutcome("db_a", "redis", T, T.minusSeconds(1)).lastSucceeded()).isTrue();
        assertThat(new ScrapeFigures.BackupOutcome("db_a", "redis", T, T.plusSeconds(1)).lastSucceeded()).isFalse();
        assertThat(new ScrapeFigures.BackupOutcome("db_a", "redis", null, T).lastSucceeded()).isFalse();
    }
}
