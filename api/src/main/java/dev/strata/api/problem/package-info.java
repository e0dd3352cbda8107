/** RFC 9457 problem details: the one mapper that turns every failure into {@code application/problem+json}. */
package dev.strata.api.problem;
