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

    @Test
    void refusesBidiOverridesAndBrokenUnicodeButKeepsEmojiAndRightToLeftText() {
        assertThatThrownBy(() -> new DisplayName("\u202egnp.exe"))
                .hasMessage("name must not contain bidirectional override or isolate characters");
        assertThatThrownBy(() -> new DisplayName("a\u2066b")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new DisplayName("x\ud800"))
                .hasMessage("name must be valid Unicode (it has an unpaired surrogate)");
        assertThatThrownBy(() -> new DisplayName("\udc00x")).isInstanceOf(InvalidInputException.class);
        assertThat(new DisplayName("family \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67").value()).endsWith("\uD83D\uDC67");
        assertThat(new DisplayName("\u05e9\u05dc\u05d5\u05dd orders").value()).startsWith("\u05e9");
    }
}
