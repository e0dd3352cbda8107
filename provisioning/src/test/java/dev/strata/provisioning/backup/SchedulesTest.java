package dev.strata.provisioning.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.InvalidInputException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulesTest {

    @Test
    void nextRunIsInUtc() {
        Instant now = Instant.parse("2026-12-05T02:30:00Z");
        assertThat(Schedules.next("0 3 * * *", now)).isEqualTo(Instant.parse("2026-12-05T03:00:00Z"));
        assertThat(Schedules.next("0 3 * * *", Instant.parse("2026-12-05T03:00:00Z"))).isEqualTo(Instant.parse("2026-12-06T03:00:00Z"));
        assertThat(Schedules.next("*/15 * * * *", now)).isEqualTo(Instant.parse("2026-12-05T02:45:00Z"));
        assertThat(Schedules.next("30 4 * * 1", now)).isEqualTo(Instant.parse("2026-12-07T04:30:00Z")); // the next Monday
    }

    @Test
    void spacesAreNormalised() {
        assertThat(Schedules.valid("  0   3 * *  * ")).isEqualTo("0 3 * * *");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "0 3 * *", "0 3 * * * *", "61 * * * *", "* 24 * * *", "* * 32 * *", "* * * 13 *", "a b c d e",
            "@daily", "0 3 * * * 2026"})
    void invalidExpressionsNameTheField(String cron) {
        assertThatThrownBy(() -> Schedules.valid(cron)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.errors()).singleElement().satisfies(f -> assertThat(f.field()).isEqualTo("schedule")));
    }
}
