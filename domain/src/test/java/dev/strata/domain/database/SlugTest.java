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

class SlugTest {

    private static final String FORMAT = "slug must be a DNS-1123 label: 1-63 lowercase letters, digits or '-', "
            + "starting and ending with a letter or digit (got ";

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "db", "orders", "orders-db", "a-b-c", "a--b", "9lives", "db-2", "x1"})
    void valid_slugs(String value) {
        assertThat(new Slug(value).value()).isEqualTo(value);
    }

    @Test
    void sixty_three_characters_is_the_maximum() {
        String max = "a".repeat(63);
        assertThat(new Slug(max).value()).isEqualTo(max);
        assertThat(new Slug("a" + "-".repeat(61) + "z").value()).hasSize(63);
    }

    @Test
    void sixty_four_characters_is_too_long() {
        assertThatThrownBy(() -> new Slug("a".repeat(64)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("slug must be at most 63 characters (got 64)");
    }

    @Test
    void too_long_message_is_exact() {
        assertThatThrownBy(() -> new Slug("a".repeat(70)))
                .hasMessage("slug must be at most 63 characters (got 70)")
                .extracting(e -> ((InvalidInputException) e).errors())
                .isEqualTo(List.of(new FieldError("slug", "slug must be at most 63 characters (got 70)")));
    }

    @Test
    void huge_slug_reports_only_its_length() {
        assertThatThrownBy(() -> new Slug("A".repeat(5_000_000)))
                .hasMessage("slug must be at most 63 characters (got 5000000)");
    }

    @Test
    void length_counts_characters_not_utf16_units() {
        // 40 emoji are 80 UTF-16 units but 40 characters: a format error, not a length one.
        String emoji = "\uD83D\uDE00".repeat(40);
        assertThatThrownBy(() -> new Slug(emoji)).hasMessageStartingWith(FORMAT);
    }

    @Test
    void format_message_is_exact() {
        assertThatThrownBy(() -> new Slug("My_DB"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(FORMAT + "'My_DB')")
                .extracting(e -> ((InvalidInputException) e).errors().get(0).field())
                .isEqualTo("slug");
    }

    @ParameterizedTest
    @ValueSource(strings = {"My_DB", "-db", "db-", "-", "--", "Orders", "orders db", "orders.db", "orders_db",
            " orders", "orders ", "orders\n", "ördérs", "db\u0000", "\uff44\uff42", "d\u0131b", "\uD83D\uDE00"})
    void invalid_slugs(String value) {
        assertThatThrownBy(() -> new Slug(value))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(FORMAT);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n", "\u2003"})
    void missing_slug_is_required(String value) {
        assertThatThrownBy(() -> new Slug(value))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("slug is required");
    }

    @Test
    void control_characters_are_escaped_in_the_message() {
        assertThatThrownBy(() -> new Slug("db\r\nx\u0007"))
                .hasMessage(FORMAT + "'db\\r\\nx\\u0007')");
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, nullValues = "NULL", value = {
            "My Orders DB!|my-orders-db",
            "orders|orders",
            "Orders_2024|orders-2024",
            "  --Hello,   World--  |hello-world",
            "a.b.c|a-b-c",
            "Café au lait|caf-au-lait",
            "ÜBER|ber",
            "日本語|db",
            "!!!|db",
            "|db",
            "   |db",
            "NULL|db",
            "db-|db",
            "-x-|x",
            "x___y|x-y",
            "\uD83D\uDE00 party \uD83D\uDE00|party",
    })
    void derived_from_a_name(String name, String expected) {
        assertThat(Slug.derivedFrom(name).value()).isEqualTo(expected);
    }

    @Test
    void derived_slug_is_cut_to_63() {
        assertThat(Slug.derivedFrom("a".repeat(100)).value()).isEqualTo("a".repeat(63));
    }

    @Test
    void derived_slug_trims_a_dash_exposed_by_the_cut() {
        // 62 letters, a space (becomes '-' at position 63), then more: the cut leaves a trailing '-'.
        String name = "a".repeat(62) + " bcd";
        assertThat(Slug.derivedFrom(name).value()).isEqualTo("a".repeat(62));
    }

    @Test
    void derived_slug_with_dash_just_inside_the_limit() {
        String name = "a".repeat(61) + " bcd";
        assertThat(Slug.derivedFrom(name).value()).isEqualTo("a".repeat(61) + "-b");
    }

    @Test
    void leading_junk_does_not_count_toward_the_limit() {
        String name = "!".repeat(100) + "b".repeat(63) + "c";
        assertThat(Slug.derivedFrom(name).value()).isEqualTo("b".repeat(63));
    }

    @Test
    void derived_from_a_huge_hostile_name_is_still_valid() {
        String name = "Ω-Δ_ ".repeat(1_000_000) + "X".repeat(1_000_000);
        Slug slug = Slug.derivedFrom(name);
        assertThat(slug.value()).isEqualTo("x".repeat(63));
    }

    @Test
    void derived_slugs_are_always_valid() {
        for (String name : List.of("", "-", "a-", "-a-", "A B C", "1", "x".repeat(64) + "-y", "İstanbul", "\u212Aelvin")) {
            Slug slug = Slug.derivedFrom(name);
            assertThat(new Slug(slug.value())).isEqualTo(slug);
        }
    }

    @Test
    void slugs_are_equal_by_value() {
        assertThat(new Slug("orders")).isEqualTo(new Slug("orders")).isNotEqualTo(new Slug("orders-2"));
    }
}
