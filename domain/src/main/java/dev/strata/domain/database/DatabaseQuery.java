package dev.strata.domain.database;

/** A page of a workspace's databases, optionally filtered; null filters match everything. */
public record DatabaseQuery(String workspaceId, String projectId, Engine engine, DatabaseStatus status, String search,
                            int page, int limit) {

    public int offset() {
        return (page - 1) * limit;
    }
}
