package dev.strata.domain.database;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Port: where databases are kept. */
public interface DatabaseRepository {

    Optional<Database> find(String workspaceId, String id);

    Optional<Database> findById(String id);

    DatabasePage list(DatabaseQuery query);

    boolean slugTaken(String workspaceId, Slug slug);

    /** A project's databases, oldest first (the first is its primary database). */
    List<Database> ofProject(String workspaceId, String projectId);

    Set<Integer> usedPorts();

    /** How many databases of the workspace have each status and engine: rows of (status, engine, count). */
    List<Object[]> countByStatusAndEngine(String workspaceId);

    /** The workspace's most recently changed databases. */
    List<Database> recentlyChanged(String workspaceId, int max);

    /** Ids of every database, oldest first: the reconciler's work list. */
    List<String> allIds();

    void add(Database database);

    void remove(Database database);
}
