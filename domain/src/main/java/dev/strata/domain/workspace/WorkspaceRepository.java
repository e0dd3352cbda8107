package dev.strata.domain.workspace;

import java.util.List;
import java.util.Optional;

/** Port: where workspaces are kept. */
public interface WorkspaceRepository {

    Optional<Workspace> find(String id);

    List<Workspace> all();

    long count();

    void add(Workspace workspace);
}
