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

class EngineTest {

    @Test
    void wire_names() {
        assertThat(Engine.POSTGRESQL.wireName()).isEqualTo("postgresql");
        assertThat(Engine.MYSQL.wireName()).isEqualTo("mysql");
        assertThat(Engine.REDIS.wireName()).isEqualTo("redis");
        assertThat(Engine.MONGODB.wireName()).isEqualTo("mongodb");
        assertThat(Engine.values()).hasSize(4);
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "postgresql|POSTGRESQL",
            "mysql|MYSQL",
            "redis|REDIS",
            "mongodb|MONGODB",
            "postgres|POSTGRESQL",
            "mariadb|MYSQL",
            "PostgreSQL|POSTGRESQL",
            "POSTGRES|POSTGRESQL",
            "MariaDB|MYSQL",
            "  redis  |REDIS",
            "\tMongoDB\u2003|MONGODB",
    })
    void parses_wire_names_and_aliases_trimmed_and_case_insensitively(String text, Engine expected) {
        assertThat(Engine.parse("engine", text)).isSameAs(expected);
    }

    @Test
    void surrounding_line_breaks_are_trimmed() {
        assertThat(Engine.parse("engine", "\r\nMariaDB\n")).isSameAs(Engine.MYSQL);
    }

    @Test
    void unknown_engine_message_is_exact() {
        assertThatThrownBy(() -> Engine.parse("engine", "oracle"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("engine must be one of postgresql, mysql, redis, mongodb (got 'oracle')")
                .extracting(e -> ((InvalidInputException) e).errors())
                .isEqualTo(List.of(new FieldError("engine",
                        "engine must be one of postgresql, mysql, redis, mongodb (got 'oracle')")));
    }

    @Test
    void the_received_value_is_shown_trimmed() {
        assertThatThrownBy(() -> Engine.parse("engine", "  sqlite \n"))
                .hasMessage("engine must be one of postgresql, mysql, redis, mongodb (got 'sqlite')");
    }

    @Test
    void the_field_name_is_the_callers() {
        assertThatThrownBy(() -> Engine.parse("spec.engine", "db2"))
                .hasMessage("spec.engine must be one of postgresql, mysql, redis, mongodb (got 'db2')")
                .extracting(e -> ((InvalidInputException) e).errors().get(0).field())
                .isEqualTo("spec.engine");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t", "\n\r ", "\u2003"})
    void null_or_blank_is_required(String text) {
        assertThatThrownBy(() -> Engine.parse("engine", text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("engine is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "my\u017Fql",            // long s: equalsIgnoreCase would call it "mysql"
            "postgre\u017Fql",
            "\uff52\uff45\uff44\uff49\uff53", // fullwidth "redis"
            "redis\u0000",
            "post gres",
            "postgresql;drop",
            "mongo",
            "psql",
            "POSTGRESQL\u200B",       // zero-width space is not whitespace
    })
    void near_misses_and_look_alikes_are_rejected(String text) {
        assertThatThrownBy(() -> Engine.parse("engine", text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("engine must be one of postgresql, mysql, redis, mongodb (got '");
    }

    @Test
    void a_huge_value_is_cut_in_the_message() {
        String huge = "x".repeat(1_000_000);
        assertThatThrownBy(() -> Engine.parse("engine", huge))
                .hasMessage("engine must be one of postgresql, mysql, redis, mongodb (got '" + "x".repeat(80) + "…')");
    }

    @Test
    void control_characters_are_escaped_in_the_message() {
        assertThatThrownBy(() -> Engine.parse("engine", "a\nFAKE LOG LINE"))
                .hasMessage("engine must be one of postgresql, mysql, redis, mongodb (got 'a\\nFAKE LOG LINE')");
    }
}
