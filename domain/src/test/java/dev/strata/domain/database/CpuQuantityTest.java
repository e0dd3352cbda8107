package dev.strata.domain.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CpuQuantityTest {

    private static final String FORMAT = "cpu must be a Kubernetes CPU quantity such as 250m, 1 or 2.5 (got ";
    private static final String RANGE = "cpu must be between 1m and 64 (got ";
    private static final String WHOLE = "cpu must be a whole number of millicores (got ";

    @ParameterizedTest(name = "''{0}'' = {1}m")
    @CsvSource({
            "250m,   250",
            "1,      1000",
            "2.5,    2500",
            "0.5,    500",
            "1000m,  1000",
            ".5,     500",
            "0.25,   250",
            "0.001,  1",
            "1m,     1",
            "64,     64000",
            "64000m, 64000",
            "64.000, 64000",
            "0064,   64000",
            "1.500,  1500",
            "0.0010, 1",
            "12.345, 12345",
    })
    void valid_quantities(String text, long millicores) {
        CpuQuantity cpu = CpuQuantity.parse(text);
        assertThat(cpu.millicores()).isEqualTo(millicores);
        assertThat(cpu.value()).isEqualTo(text);
        assertThat(cpu.cores()).isEqualTo(millicores / 1000.0);
    }

    @Test
    void value_is_kept_as_written_but_trimmed() {
        CpuQuantity cpu = CpuQuantity.parse("  2.50 \n");
        assertThat(cpu.value()).isEqualTo("2.50");
        assertThat(cpu.millicores()).isEqualTo(2500);
    }

    @Test
    void default_is_250m() {
        assertThat(CpuQuantity.DEFAULT).isEqualTo(new CpuQuantity("250m", 250));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0m", "0.0", "000", "64001m", "64.001", "65", "100", "1000000m", "99999999999999999999999999",
            "99999999999999999999999999999999999999m", "9223372036854775807m", "9223372036854775808", "18446744073709551616m"})
    void out_of_range(String text) {
        assertThatThrownBy(() -> CpuQuantity.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(RANGE + "'" + text + "')");
    }

    @Test
    void range_message_is_exact() {
        assertThatThrownBy(() -> CpuQuantity.parse("100"))
                .hasMessage("cpu must be between 1m and 64 (got '100')")
                .extracting(e -> ((InvalidInputException) e).errors())
                .isEqualTo(List.of(new FieldError("cpu", "cpu must be between 1m and 64 (got '100')")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0005", "1.0001", "2.5m", "0.5m", "1.1234", "0.00001"})
    void fractions_of_a_millicore_are_rejected(String text) {
        assertThatThrownBy(() -> CpuQuantity.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(WHOLE + "'" + text + "')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "m", ".", "1.", "1..5", "-1", "+1", "1e3", "1M", "250 m", "250mm", "1,5", "1 000",
            "0x10", "½", "٣", "１", "250m\u0000", "2.5.1", "NaN", "Infinity", "1_000m", "250\u00A0m"})
    void not_a_quantity(String text) {
        assertThatThrownBy(() -> CpuQuantity.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(FORMAT);
    }

    @Test
    void format_message_is_exact() {
        assertThatThrownBy(() -> CpuQuantity.parse("abc"))
                .hasMessage("cpu must be a Kubernetes CPU quantity such as 250m, 1 or 2.5 (got 'abc')");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\n\t"})
    void missing_cpu_is_required(String text) {
        assertThatThrownBy(() -> CpuQuantity.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("cpu is required");
    }

    @Test
    void huge_numbers_are_rejected_quickly_with_a_cut_message() {
        String huge = "9".repeat(2_000_000);
        assertThatThrownBy(() -> CpuQuantity.parse(huge))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(RANGE + "'" + "9".repeat(80) + "…')");
        String longFraction = "1." + "0".repeat(2_000_000);
        assertThat(CpuQuantity.parse(longFraction).millicores()).isEqualTo(1000);
        String leadingZeros = "0".repeat(2_000_000) + "2";
        assertThat(CpuQuantity.parse(leadingZeros).millicores()).isEqualTo(2000);
    }

    @Test
    void huge_garbage_is_cut_in_the_message() {
        assertThatThrownBy(() -> CpuQuantity.parse("z".repeat(81)))
                .hasMessage(FORMAT + "'" + "z".repeat(80) + "…')");
        assertThatThrownBy(() -> CpuQuantity.parse("z".repeat(80)))
                .hasMessage(FORMAT + "'" + "z".repeat(80) + "')");
    }

    @Test
    void the_canonical_constructor_checks_consistency() {
        assertThat(new CpuQuantity("2.5", 2500)).isEqualTo(CpuQuantity.parse("2.5"));
        assertThat(new CpuQuantity(" 1 ", 1000).value()).isEqualTo("1");
        assertThatThrownBy(() -> new CpuQuantity("250m", 500))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("cpu '250m' is 250 millicores, not 500");
        assertThatThrownBy(() -> new CpuQuantity("abc", 1)).hasMessageStartingWith(FORMAT);
        assertThatThrownBy(() -> new CpuQuantity("0", 0)).hasMessage(RANGE + "'0')");
        assertThatThrownBy(() -> new CpuQuantity(null, 250)).hasMessage("cpu is required");
    }

    @Test
    void equal_amounts_written_differently_are_different_values() {
        assertThat(CpuQuantity.parse("1")).isNotEqualTo(CpuQuantity.parse("1000m"));
        assertThat(CpuQuantity.parse("1").millicores()).isEqualTo(CpuQuantity.parse("1000m").millicores());
    }
}
