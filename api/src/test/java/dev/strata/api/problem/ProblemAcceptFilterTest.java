package dev.strata.api.problem;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProblemAcceptFilterTest {

    @Test
    void onlyTheProblemTypeIsWidened() {
        assertTrue(ProblemAcceptFilter.acceptsOnlyProblems("application/problem+json"));
        assertTrue(ProblemAcceptFilter.acceptsOnlyProblems("Application/Problem+JSON;q=1"));
        assertTrue(ProblemAcceptFilter.acceptsOnlyProblems("text/plain, application/problem+json"));
    }

    @Test
    void headersThatAlreadyAcceptJsonOrNeverProblemsAreLeftAlone() {
        assertFalse(ProblemAcceptFilter.acceptsOnlyProblems("application/json, application/problem+json"));
        assertFalse(ProblemAcceptFilter.acceptsOnlyProblems("application/problem+json, */*;q=0.1"));
        assertFalse(ProblemAcceptFilter.acceptsOnlyProblems("application/*"));
        assertFalse(ProblemAcceptFilter.acceptsOnlyProblems("application/xml"));
        assertFalse(ProblemAcceptFilter.acceptsOnlyProblems("garbage"));
        assertFalse(ProblemAcceptFilter.acceptsOnlyProblems(""));
    }
}
