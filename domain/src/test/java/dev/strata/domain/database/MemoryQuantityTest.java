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

class MemoryQuantityTest {

    private static final long MI = 1L << 20;
    private static final long GI = 1L << 30;
    private static final String FORMAT = "memory must be a Kubernetes memory quantity such as 512Mi, 2Gi or 1G (got ";
    private static final String RANGE = "memory must be between 64Mi and 1Ti (got ";
    private static final String WHOLE = "memory must be a whole number of bytes (got ";

    @ParameterizedTest(name = "''{0}'' = {1} bytes")
    @CsvSource({
            "512Mi,          536870912",
            "2Gi,            2147483648",
            "1G,             1000000000",
            "1.5Gi,          1610612736",
            "64Mi,           67108864",
            "1Ti,            1099511627776",
            "1024Gi,         1099511627776",
            "67108864,       67108864",
            "1099511627776,  1099511627776",
            "65536Ki,        67108864",
            "100M,           100000000",
            "67108.864k,     67108864",
            "1T,             1000000000000",
            "0.5Gi,          536870912",
            ".5Gi,           536870912",
            "0.0009765625Ti, 1073741824",
            "1.000Gi,        1073741824",
            "0001Gi,         1073741824",
            "0.000001P,      1000000000",
            "0.0000000005E,  500000000",
            "0.0009765625Pi, 1099511627776",
            "67108864.0,     67108864",
    })
    void valid_quantities(String text, long bytes) {
        MemoryQuantity memory = MemoryQuantity.parse(text);
        assertThat(memory.bytes()).isEqualTo(bytes);
        assertThat(memory.value()).isEqualTo(text);
    }

    @Test
    void default_is_512Mi() {
        assertThat(MemoryQuantity.DEFAULT).isEqualTo(new MemoryQuantity("512Mi", 512 * MI));
        assertThat(MemoryQuantity.DEFAULT.mebibytes()).isEqualTo(512);
    }

    @Test
    void mebibytes_round_down() {
        assertThat(MemoryQuantity.parse("1.5Gi").mebibytes()).isEqualTo(1536);
        assertThat(MemoryQuantity.parse("1G").mebibytes()).isEqualTo(953); // 953.67…
        assertThat(MemoryQuantity.parse("1Ti").mebibytes()).isEqualTo(1_048_576);
        assertThat(MemoryQuantity.parse(Long.toString(64 * MI + MI - 1)).mebibytes()).isEqualTo(64);
    }

    @Test
    void value_is_kept_as_written_but_trimmed() {
        assertThat(MemoryQuantity.parse("\t2Gi  ").value()).isEqualTo("2Gi");
    }

    @Test
    void edges_of_the_range() {
        assertThat(MemoryQuantity.parse(Long.toString(64 * MI)).bytes()).isEqualTo(64 * MI);
        assertThat(MemoryQuantity.parse(Long.toString(1024 * GI)).bytes()).isEqualTo(1024 * GI);
        assertThatThrownBy(() -> MemoryQuantity.parse(Long.toString(64 * MI - 1)))
                .hasMessage(RANGE + "'" + (64 * MI - 1) + "')");
        assertThatThrownBy(() -> MemoryQuantity.parse(Long.toString(1024 * GI + 1)))
                .hasMessage(RANGE + "'" + (1024 * GI + 1) + "')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1Mi", "63Mi", "65535Ki", "0", "0Gi", "0.0Mi", "64M", "1025Gi", "1.5Ti", "1.0009765625Ti", "2Ti", "1Pi",
            "1P", "1E", "8Ei", "16Ei", "99999999999999999999Ti", "9223372036854775807", "9223372036854775808",
            "18446744073709551616Ei", "99999999999999999999999999999999999999999999999999"})
    void out_of_range(String text) {
        assertThatThrownBy(() -> MemoryQuantity.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(RANGE + "'" + text + "')");
    }

    @Test
    void range_message_is_exact() {
        assertThatThrownBy(() -> MemoryQuantity.parse("1Mi"))
                .hasMessage("memory must be between 64Mi and 1Ti (got '1Mi')")
                .extracting(e -> ((InvalidInputException) e).errors())
                .isEqualTo(List.of(new FieldError("memory", "memory must be between 64Mi and 1Ti (got '1Mi')")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"100000000.5", "0.3Ki", "1.0000000001Gi", "0.1", "1.0001k",
            "0." + "1111111111111111111111111111111111111111111111111111111111111111111111Ei"})
    void fractions_of_a_byte_are_rejected(String text) {
        assertThatThrownBy(() -> MemoryQuantity.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(WHOLE);
    }

    @Test
    void whole_message_is_exact() {
        assertThatThrownBy(() -> MemoryQuantity.parse("0.3Ki"))
                .hasMessage("memory must be a whole number of bytes (got '0.3Ki')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "512MB", "512mi", "512MI", "512 Mi", "512m", "1K", "1g", "Gi", ".", ".Gi", "1.Gi",
            "-1Gi", "+1Gi", "1e9", "1 Gi", "1Gi\u0000", "１Gi", "٥١٢Mi", "512Mi\u200B", "1,5Gi", "0x40Mi", "1GiB",
            "Infinity", "NaN", "512MiMi"})
    void not_a_quantity(String text) {
        assertThatThrownBy(() -> MemoryQuantity.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(FORMAT);
    }

    @Test
    void format_message_is_exact() {
        assertThatThrownBy(() -> MemoryQuantity.parse("lots"))
                .hasMessage("memory must be a Kubernetes memory quantity such as 512Mi, 2Gi or 1G (got 'lots')");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\r\n"})
    void missing_memory_is_required(String text) {
        assertThatThrownBy(() -> MemoryQuantity.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("memory is required");
    }

    @Test
    void overflow_is_a_clean_invalid_input() {
        assertThatThrownBy(() -> MemoryQuantity.parse("99999999999999999999Ti"))
                .isExactlyInstanceOf(InvalidInputException.class)
                .hasMessage("memory must be between 64Mi and 1Ti (got '99999999999999999999Ti')");
        String huge = "9".repeat(3_000_000) + "Ei";
        assertThatThrownBy(() -> MemoryQuantity.parse(huge))
                .isExactlyInstanceOf(InvalidInputException.class)
                .hasMessage(RANGE + "'" + "9".repeat(80) + "…')");
        String hugeFraction = "1." + "3".repeat(3_000_000) + "Gi";
        assertThatThrownBy(() -> MemoryQuantity.parse(hugeFraction))
                .isExactlyInstanceOf(InvalidInputException.class)
                .hasMessage(WHOLE + "'1." + "3".repeat(78) + "…')");
        assertThat(MemoryQuantity.parse("0".repeat(3_000_000) + "1." + "0".repeat(3_000_000) + "Gi").bytes())
                .isEqualTo(GI);
    }

    @Test
    void the_canonical_constructor_checks_consistency() {
        assertThat(new MemoryQuantity("1Gi", GI)).isEqualTo(MemoryQuantity.parse("1Gi"));
        assertThatThrownBy(() -> new MemoryQuantity("1Gi", GI + 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("memory '1Gi' is 1073741824 bytes, not 1073741825");
        assertThatThrownBy(() -> new MemoryQuantity("1Mi", MI)).hasMessage(RANGE + "'1Mi')");
        assertThatThrownBy(() -> new MemoryQuantity(null, GI)).hasMessage("memory is required");
    }
}
