package dev.strata.domain.project;

import java.util.List;
import java.util.Optional;

/** Port: where projects are kept. */
public interface ProjectRepository {

    Optional<Project> find(String workspaceId, String id);

    List<Project> list(String workspaceId);

    /** Every project of every workspace (for background work such as publishing environments). */
    List<Project> all();

    void add(Project project);

    void remove(Project project);
}
