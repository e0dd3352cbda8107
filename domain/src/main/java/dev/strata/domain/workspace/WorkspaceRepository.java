package dev.strata.domain.workspace;

import java.util.List;
import java.util.Optional;

/** Port: where workspaces are kept. */
public interface WorkspaceRepository {

    Optional<Workspace> find(String id);

    /**
     * The workspace, locked until the current transaction ends: what creates or deletes projects, databases,
     * buckets or keys in a workspace takes this first, so such changes happen one after the other (a project delete
     * sees every database created before it, a create sees a project deleted before it, derived slugs never clash).
     */
    Optional<Workspace> lockForChange(String id);

    List<Workspace> all();

    long count();

    void add(Workspace workspace);
}
