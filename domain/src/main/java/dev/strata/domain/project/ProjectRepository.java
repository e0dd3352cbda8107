package dev.strata.domain.project;

import java.util.List;
import java.util.Optional;

/** Port: where projects are kept. Projects being deleted are invisible to every method but the last two. */
public interface ProjectRepository {

    Optional<Project> find(String workspaceId, String id);

    List<Project> list(String workspaceId);

    /** The workspace of a project that is not being deleted, without locking anything. */
    Optional<String> workspaceOf(String id);

    /** Every project of every workspace (for background work such as publishing environments). */
    List<Project> all();

    /** Ids of the projects whose deletion was requested and is not finished. */
    List<String> deleting();

    /** A project by id whatever its state, locked until the transaction ends (the teardown's view). */
    Optional<Project> lock(String id);

    void add(Project project);

    void remove(Project project);
}
