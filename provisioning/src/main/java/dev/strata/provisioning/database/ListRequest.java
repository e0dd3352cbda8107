package dev.strata.provisioning.database;

/** List parameters as the user sent them (all optional strings); {@link Databases} validates them. */
public record ListRequest(String projectId, String page, String limit, String engine, String status, String search) {
}
