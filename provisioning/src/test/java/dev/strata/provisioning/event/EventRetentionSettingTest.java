package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.provisioning.config.StrataConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventRetentionSettingTest {

    private static Duration read(Map<String, String> env) {
        return StrataConfig.eventRetention(name -> Optional.ofNullable(env.get(name)));
    }

    @Test
    void unsetIsNinetyDays() {
        assertThat(read(Map.of())).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void aWholeNumberOfDaysIsTaken() {
        assertThat(read(Map.of("STRATA_EVENT_RETENTION_DAYS", "1"))).isEqualTo(Duration.ofDays(1));
        assertThat(read(Map.of("STRATA_EVENT_RETENTION_DAYS", " 365 "))).isEqualTo(Duration.ofDays(365));
    }

    /** Each bad value fails with a message that names the setting, says the accepted form and repeats what was given. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|got 0",
        "-1|got -1",
        "ninety|got 'ninety'",
        "90d|got '90d'",
        "1.5|got '1.5'",
        "99999999999|got 99999999999",
    })
    void aBadValueIsRefusedNamingTheSettingAndItsForm(String value, String got) {
        assertThatThrownBy(() -> read(Map.of("STRATA_EVENT_RETENTION_DAYS", value))).isInstanceOf(IllegalStateException.class)
                .hasMessage("STRATA_EVENT_RETENTION_DAYS must be a whole number of days, at least 1 (default 90); " + got);
    }
}
