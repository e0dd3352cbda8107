package dev.strata.domain.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputsTest {

    @Test
    void short_values_are_quoted_as_is() {
        assertThat(Inputs.quoted("oracle")).isEqualTo("'oracle'");
        assertThat(Inputs.quoted("")).isEqualTo("''");
        assertThat(Inputs.quoted("it's")).isEqualTo("'it's'");
    }

    @Test
    void eighty_characters_are_shown_whole_and_more_are_cut() {
        assertThat(Inputs.quoted("a".repeat(80))).isEqualTo("'" + "a".repeat(80) + "'");
        assertThat(Inputs.quoted("a".repeat(81))).isEqualTo("'" + "a".repeat(80) + "…'");
        assertThat(Inputs.quoted("a".repeat(10_000_000))).isEqualTo("'" + "a".repeat(80) + "…'");
    }

    @Test
    void the_cut_never_splits_a_character() {
        String emoji = "\uD83D\uDE00";
        assertThat(Inputs.quoted(emoji.repeat(81))).isEqualTo("'" + emoji.repeat(80) + "…'");
        assertThat(Inputs.quoted("é".repeat(100))).isEqualTo("'" + "é".repeat(80) + "…'");
    }

    @Test
    void control_characters_are_escaped() {
        assertThat(Inputs.quoted("a\nb\rc\td\u0000e\u001bf\u007fg\u2028h"))
                .isEqualTo("'a\\nb\\rc\\td\\u0000e\\u001bf\\u007fg\\u2028h'");
    }

    @Test
    void a_lone_surrogate_is_kept_without_failing() {
        assertThat(Inputs.quoted("x\uD800y")).isEqualTo("'x\uD800y'");
    }
}
