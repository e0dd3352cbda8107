package dev.strata.domain.database;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Port: where databases are kept. */
public interface DatabaseRepository {

    Optional<Database> find(String workspaceId, String id);

    Optional<Database> findById(String id);

    /**
     * The database, read afresh and locked until the transaction ends: a user's change taken this way never loses
     * to the reconciler recording an observation of the same database at the same time (the reconciler's write
     * waits, then fails its version check and is redone on its next pass).
     */
    Optional<Database> lockForChange(String workspaceId, String id);

    DatabasePage list(DatabaseQuery query);

    boolean slugTaken(String workspaceId, Slug slug);

    /** A project's databases, oldest first (the first is its primary database). */
    List<Database> ofProject(String workspaceId, String projectId);

    /** A project's databases as {@link #ofProject}, each read afresh and locked as by {@link #lockForChange}. */
    List<Database> lockOfProject(String workspaceId, String projectId);

    Set<Integer> usedPorts();

    /** Whether a new branch's data is still to be copied from database {@code id}'s files. */
    boolean beingCloned(String id);

    /** The branches made from database {@code parentId}, oldest first. */
    List<Database> branchesOf(String workspaceId, String parentId);

    /** Whether a database (not being deleted) has a restore from this backup still to do: retention must keep it. */
    boolean restoreWaitsFor(String backupId);

    /** How many databases of the workspace have each status and engine: rows of (status, engine, count). */
    List<Object[]> countByStatusAndEngine(String workspaceId);

    /** The workspace's most recently changed databases. */
    List<Database> recentlyChanged(String workspaceId, int max);

    /** Ids of every database, oldest first: the reconciler's work list. */
    List<String> allIds();

    /** Ids of the databases of these engines, oldest first (a periodic pass that concerns only some engines). */
    List<String> idsOfEngines(java.util.Set<Engine> engines);

    void add(Database database);

    void remove(Database database);
}
