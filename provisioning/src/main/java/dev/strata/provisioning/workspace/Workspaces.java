package dev.strata.provisioning.workspace;

import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.workspace.Workspace;
import dev.strata.domain.workspace.WorkspaceRepository;
import dev.strata.provisioning.auth.Caller;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;

/** The workspaces a caller may see: today exactly the one its key belongs to. */
@Stateless
public class Workspaces {

    @Inject
    WorkspaceRepository workspaces;

    public List<Workspace> visibleTo(Caller caller) {
        return workspaces.find(caller.workspaceId()).stream().toList();
    }

    /** The workspace {@code wsId} if the caller may see it; otherwise not found (never "forbidden": ids stay hidden). */
    public Workspace get(Caller caller, String wsId) {
        if (!caller.workspaceId().equals(wsId)) {
            throw new NotFoundException("workspace", wsId);
        }
        return workspaces.find(wsId).orElseThrow(() -> new NotFoundException("workspace", wsId));
    }

    /**
     * The caller's workspace {@code wsId}, locked until the transaction ends (see
     * {@link WorkspaceRepository#lockForChange}): taken first by everything that creates or deletes in it.
     */
    public Workspace lockForChange(Caller caller, String wsId) {
        if (!caller.workspaceId().equals(wsId)) {
            throw new NotFoundException("workspace", wsId);
        }
        return workspaces.lockForChange(wsId).orElseThrow(() -> new NotFoundException("workspace", wsId));
    }
}
