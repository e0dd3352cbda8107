package dev.strata.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidInputsTest {

    @Test
    void anInputKeepsItsOwnDescriptionsWhenItsErrorIsTakenOut() {
        assertThat(InvalidInputs.without(null, "f:x-error")).isEmpty();
        assertThat(InvalidInputs.without("f:x-error", "f:x-error")).isEmpty();
        assertThat(InvalidInputs.without("idleHelp f:x-error", "f:x-error")).isEqualTo("idleHelp");
        assertThat(InvalidInputs.without("  idleHelp   other ", "f:x-error")).isEqualTo("idleHelp other");
    }
}
