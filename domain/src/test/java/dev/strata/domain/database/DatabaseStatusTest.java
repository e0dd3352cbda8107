package dev.strata.domain.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseStatusTest {

    /** The expected table, written out independently of the production one: all 36 pairs. */
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "PROVISIONING, PROVISIONING, true",
            "PROVISIONING, READY,        true",
            "PROVISIONING, UPDATING,     false",
            "PROVISIONING, SLEEPING,     false",
            "PROVISIONING, ERROR,        true",
            "PROVISIONING, DELETING,     true",

            "READY,        PROVISIONING, false",
            "READY,        READY,        true",
            "READY,        UPDATING,     true",
            "READY,        SLEEPING,     true",
            "READY,        ERROR,        true",
            "READY,        DELETING,     true",

            "UPDATING,     PROVISIONING, false",
            "UPDATING,     READY,        true",
            "UPDATING,     UPDATING,     true",
            "UPDATING,     SLEEPING,     true",
            "UPDATING,     ERROR,        true",
            "UPDATING,     DELETING,     true",

            "SLEEPING,     PROVISIONING, false",
            "SLEEPING,     READY,        true",
            "SLEEPING,     UPDATING,     true",
            "SLEEPING,     SLEEPING,     true",
            "SLEEPING,     ERROR,        true",
            "SLEEPING,     DELETING,     true",

            "ERROR,        PROVISIONING, true",
            "ERROR,        READY,        true",
            "ERROR,        UPDATING,     true",
            "ERROR,        SLEEPING,     true",
            "ERROR,        ERROR,        true",
            "ERROR,        DELETING,     true",

            "DELETING,     PROVISIONING, false",
            "DELETING,     READY,        false",
            "DELETING,     UPDATING,     false",
            "DELETING,     SLEEPING,     false",
            "DELETING,     ERROR,        false",
            "DELETING,     DELETING,     true",
    })
    void transition(DatabaseStatus from, DatabaseStatus to, boolean legal) {
        assertThat(from.canBecome(to)).isEqualTo(legal);
        if (legal) {
            assertThat(from.transitionTo(to)).isSameAs(to);
        } else {
            assertThatThrownBy(() -> from.transitionTo(to))
                    .isInstanceOf(IllegalStatusTransitionException.class)
                    .isInstanceOf(ConflictException.class)
                    .hasMessage("a database that is " + from.wireName() + " cannot become " + to.wireName())
                    .satisfies(e -> {
                        IllegalStatusTransitionException ex = (IllegalStatusTransitionException) e;
                        assertThat(ex.from()).isSameAs(from);
                        assertThat(ex.to()).isSameAs(to);
                    });
        }
    }

    @Test
    void the_expected_table_lists_every_pair_once() throws Exception {
        // Guards the table above against a missing or duplicated row: parse the annotation itself.
        CsvSource rows = getClass().getDeclaredMethod("transition", DatabaseStatus.class, DatabaseStatus.class, boolean.class)
                .getAnnotation(CsvSource.class);
        Set<String> pairs = new HashSet<>();
        for (String row : rows.value()) {
            String[] cells = row.split(",");
            assertThat(pairs.add(cells[0].strip() + "->" + cells[1].strip())).as("duplicate row %s", row).isTrue();
        }
        assertThat(pairs).hasSize(DatabaseStatus.values().length * DatabaseStatus.values().length).hasSize(36);
    }

    @Test
    void exact_message_for_deleting_to_ready() {
        assertThatThrownBy(() -> DatabaseStatus.DELETING.transitionTo(DatabaseStatus.READY))
                .hasMessage("a database that is deleting cannot become ready");
    }

    @Test
    void deleting_is_final() {
        for (DatabaseStatus next : EnumSet.complementOf(EnumSet.of(DatabaseStatus.DELETING))) {
            assertThat(DatabaseStatus.DELETING.canBecome(next)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseStatus.class)
    void wire_name_is_lowercase_and_parses_back(DatabaseStatus status) {
        assertThat(status.wireName()).isEqualTo(status.name().toLowerCase(java.util.Locale.ROOT));
        assertThat(DatabaseStatus.parse("status", status.wireName())).isSameAs(status);
        assertThat(DatabaseStatus.parse("status", "  " + status.name() + "\t")).isSameAs(status);
    }

    @Test
    void wire_names() {
        assertThat(DatabaseStatus.values()).extracting(DatabaseStatus::wireName)
                .containsExactly("provisioning", "ready", "updating", "sleeping", "error", "deleting");
    }

    @Test
    void unknown_status_names_the_choices_and_what_was_received() {
        assertThatThrownBy(() -> DatabaseStatus.parse("status", "x"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("status must be one of provisioning, ready, updating, sleeping, error, deleting (got 'x')")
                .extracting(e -> ((InvalidInputException) e).errors())
                .isEqualTo(java.util.List.of(new FieldError("status",
                        "status must be one of provisioning, ready, updating, sleeping, error, deleting (got 'x')")));
    }

    @Test
    void the_field_name_is_the_callers() {
        assertThatThrownBy(() -> DatabaseStatus.parse("filter.status", "asleep"))
                .hasMessage("filter.status must be one of provisioning, ready, updating, sleeping, error, deleting (got 'asleep')");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n", "\u2003"})
    void missing_status_is_required(String text) {
        assertThatThrownBy(() -> DatabaseStatus.parse("status", text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("status is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"réady", "ready!", "READY\u0000", "0", "ready ready", "\uff52\uff45\uff41\uff44\uff59"})
    void hostile_or_near_miss_statuses_are_rejected(String text) {
        assertThatThrownBy(() -> DatabaseStatus.parse("status", text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("status must be one of ");
    }

    @Test
    void null_next_status_is_a_programming_error() {
        assertThatThrownBy(() -> DatabaseStatus.READY.canBecome(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DatabaseStatus.READY.transitionTo(null)).isInstanceOf(NullPointerException.class);
    }
}
