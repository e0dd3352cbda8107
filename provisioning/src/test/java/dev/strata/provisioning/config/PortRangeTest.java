package dev.strata.provisioning.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortRangeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "15432-16431     | 15432 | 16431",
            "1024-65535      | 1024  | 65535",
            "20000-20000     | 20000 | 20000",
            "'  15432-16431 '| 15432 | 16431",
            "15432 - 16431   | 15432 | 16431",
    })
    void parses_valid_ranges(String text, int first, int last) {
        assertThat(PortRange.parse(text)).isEqualTo(new PortRange(first, last));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1023-2000", "0-100", "2000-1999", "16431-15432", "1024-65536", "60000-70000"})
    void rejects_ranges_outside_the_allowed_ports_or_reversed(String text) {
        assertThatThrownBy(() -> PortRange.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRATA_PORT_RANGE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"15432", "", "  ", "15432-16431-17000", "15432-", "-"})
    void rejects_text_that_is_not_two_numbers_around_a_dash(String text) {
        assertThatThrownBy(() -> PortRange.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STRATA_PORT_RANGE")
                .hasMessageContaining(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc-def", "15432-abc", "15432..16431x-2", "-15432", "15432-+"})
    void rejects_non_numeric_ports(String text) {
        // NumberFormatException is an IllegalArgumentException (its message does not name the setting, see report)
        assertThatThrownBy(() -> PortRange.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructor_names_the_setting_and_the_values() {
        assertThatThrownBy(() -> new PortRange(2000, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("STRATA_PORT_RANGE must be first-last within 1024-65535, got 2000-1000");
    }

    @Test
    void bounds_are_inclusive() {
        PortRange range = new PortRange(1024, 65535);

        assertThat(range.first()).isEqualTo(1024);
        assertThat(range.last()).isEqualTo(65535);
    }
}
