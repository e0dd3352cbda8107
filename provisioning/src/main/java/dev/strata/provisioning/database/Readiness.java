package dev.strata.provisioning.database;

/** Live readiness: servers answering now versus servers wanted (0 while sleeping or deleting). */
public record Readiness(int ready, int desired) {
}
