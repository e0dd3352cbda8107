package dev.strata.domain.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DisplayNameTest {

    @Test
    void keepsTheNameTrimmed() {
        assertThat(new DisplayName("  Production DB  ").value()).isEqualTo("Production DB");
        assertThat(new DisplayName("x".repeat(200)).value()).hasSize(200);
        assertThat(new DisplayName("Bücher & Co. 📚").value()).isEqualTo("Bücher & Co. 📚");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t\n"})
    void isRequired(String raw) {
        assertThatThrownBy(() -> new DisplayName(raw)).isInstanceOf(InvalidInputException.class).hasMessage("name is required");
    }

    @Test
    void refusesTooLongAndControlCharacters() {
        assertThatThrownBy(() -> new DisplayName("x".repeat(201)))
                .hasMessage("name must be at most 200 characters (got 201)");
        assertThatThrownBy(() -> new DisplayName("bad\u0000name"))
                .hasMessage("name must not contain control characters");
        assertThatThrownBy(() -> new DisplayName("x\u001bname")).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).errors()).extracting(FieldError::field).containsExactly("name"));
    }
}
