package dev.strata.domain.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.database.StatusDerivation.Facts;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusDerivationTest {

    @ParameterizedTest(name = "[{index}] {9}")
    @CsvSource(delimiter = '|', textBlock = """
            # deletion | sleep | gen | obsGen | everReady | ready | stopped | failing | expected     | why
            # --- deletion beats everything ---
              true     | false | 1   | 1      | true      | true  | false   | false   | DELETING     | deletion of a ready database
              true     | true  | 3   | 1      | false     | false | true    | true    | DELETING     | deletion beats failing, sleep, provisioning
              true     | false | 2   | 1      | true      | false | false   | true    | DELETING     | deletion beats failing and updating
              true     | true  | 2   | 2      | true      | false | true    | false   | DELETING     | deletion beats a converged sleep
            # --- failing beats sleep, provisioning, updating, ready ---
              false    | true  | 2   | 2      | true      | false | true    | true    | ERROR        | failing beats converged sleep
              false    | true  | 2   | 1      | true      | false | false   | true    | ERROR        | failing beats sleep in progress
              false    | false | 1   | 0      | false     | false | false   | true    | ERROR        | failing beats provisioning
              false    | false | 2   | 1      | true      | true  | false   | true    | ERROR        | failing beats updating
              false    | false | 1   | 1      | true      | true  | false   | true    | ERROR        | failing beats ready
            # --- sleep beats provisioning and updating ---
              false    | true  | 2   | 2      | true      | false | true    | false   | SLEEPING     | stopped and converged
              false    | true  | 3   | 2      | true      | false | true    | false   | UPDATING     | stopped but generation not caught up
              false    | true  | 2   | 2      | true      | true  | false   | false   | UPDATING     | still running
              false    | true  | 2   | 1      | true      | true  | false   | false   | UPDATING     | still running, not caught up
              false    | true  | 2   | 2      | false     | false | true    | false   | SLEEPING     | sleep beats never-ready (provisioning)
              false    | true  | 2   | 1      | false     | false | false   | false   | UPDATING     | sleep in progress beats provisioning
            # --- provisioning (never ready) beats updating and ready/error ---
              false    | false | 1   | 0      | false     | false | false   | false   | PROVISIONING | fresh database
              false    | false | 2   | 1      | false     | true  | false   | false   | PROVISIONING | never ready beats not caught up
              false    | false | 1   | 1      | false     | true  | false   | false   | PROVISIONING | never ready beats answering
              false    | false | 1   | 1      | false     | false | false   | false   | PROVISIONING | never ready and not answering is not error
              false    | false | 1   | 1      | false     | false | true    | false   | PROVISIONING | never ready and stopped
            # --- updating beats ready/error ---
              false    | false | 2   | 1      | true      | true  | false   | false   | UPDATING     | not caught up while answering
              false    | false | 2   | 1      | true      | false | false   | false   | UPDATING     | not caught up while restarting
              false    | false | 2   | 1      | true      | false | true    | false   | UPDATING     | waking: not caught up while stopped
            # --- converged: ready or not answering ---
              false    | false | 1   | 1      | true      | true  | false   | false   | READY        | converged and answering
              false    | false | 5   | 5      | true      | true  | false   | false   | READY        | converged later generation
              false    | false | 1   | 1      | true      | false | false   | false   | ERROR        | converged but process died
              false    | false | 1   | 1      | true      | false | true    | false   | ERROR        | stopped without being asked to sleep
            """)
    void derive(boolean deletion, boolean sleep, long generation, long observedGeneration, boolean everReady,
                boolean ready, boolean stopped, boolean failing, DatabaseStatus expected, String why) {
        Facts facts = new Facts(deletion, sleep, generation, observedGeneration, everReady, ready, stopped, failing);

        assertThat(StatusDerivation.derive(facts)).as(why).isEqualTo(expected);
    }

    /** Every combination of the boolean facts, at a converged and a not-yet-converged generation. */
    private static List<Facts> allFacts() {
        List<Facts> all = new ArrayList<>();
        for (int bits = 0; bits < 1 << 6; bits++) {
            for (long observed : new long[] {1, 2}) {
                all.add(new Facts(bit(bits, 0), bit(bits, 1), 2, observed, bit(bits, 2), bit(bits, 3), bit(bits, 4),
                        bit(bits, 5)));
            }
        }
        return all;
    }

    private static boolean bit(int bits, int i) {
        return (bits & (1 << i)) != 0;
    }

    private static void assertAll(Predicate<Facts> when, DatabaseStatus expected) {
        List<Facts> matching = allFacts().stream().filter(when).toList();
        assertThat(matching).isNotEmpty();
        assertThat(matching).allSatisfy(f -> assertThat(StatusDerivation.derive(f)).as(f.toString()).isEqualTo(expected));
    }

    @Test
    void deletion_requested_is_always_deleting() {
        assertAll(Facts::deletionRequested, DatabaseStatus.DELETING);
    }

    @Test
    void failing_without_deletion_is_always_error() {
        assertAll(f -> !f.deletionRequested() && f.failing(), DatabaseStatus.ERROR);
    }

    @Test
    void sleep_requested_without_deletion_or_failure_is_sleeping_only_when_stopped_and_converged() {
        assertAll(f -> !f.deletionRequested() && !f.failing() && f.sleepRequested()
                && f.stopped() && f.observedGeneration() == f.generation(), DatabaseStatus.SLEEPING);
        assertAll(f -> !f.deletionRequested() && !f.failing() && f.sleepRequested()
                && !(f.stopped() && f.observedGeneration() == f.generation()), DatabaseStatus.UPDATING);
    }

    @Test
    void never_ready_and_no_other_rule_is_always_provisioning() {
        assertAll(f -> !f.deletionRequested() && !f.failing() && !f.sleepRequested() && !f.everReady(),
                DatabaseStatus.PROVISIONING);
    }

    @Test
    void every_status_is_reachable_from_some_facts() {
        assertThat(allFacts().stream().map(StatusDerivation::derive).distinct())
                .containsExactlyInAnyOrder(DatabaseStatus.values());
    }
}
