package dev.strata.api.workspace;

import dev.strata.api.Timestamps;
import dev.strata.api.auth.CurrentCaller;
import dev.strata.provisioning.workspace.Workspaces;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

@RequestScoped
@Path("workspaces")
@Produces(MediaType.APPLICATION_JSON)
public class WorkspacesResource {

    @Inject
    Workspaces workspaces;

    @Inject
    CurrentCaller caller;

    @GET
    public Map<String, List<WorkspaceDto>> list() {
        return Map.of("data", workspaces.visibleTo(caller.get()).stream()
                .map(w -> new WorkspaceDto(w.id(), w.name(), Timestamps.format(w.createdAt()))).toList());
    }
}
