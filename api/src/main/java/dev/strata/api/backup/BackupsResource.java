package dev.strata.api.backup;

import dev.strata.api.Retry;
import dev.strata.api.auth.CurrentCaller;
import dev.strata.api.database.DatabaseAssembler;
import dev.strata.api.json.JsonBody;
import dev.strata.domain.database.Database;
import dev.strata.provisioning.backup.Backups;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Set;

/** A workspace's backups, including those of deleted databases: list, get, delete, restore into a new database. */
@RequestScoped
@Path("workspaces/{wsId}/backups")
@Produces(MediaType.APPLICATION_JSON)
public class BackupsResource {

    private static final Set<String> RESTORE_FIELDS = Set.of("name", "slug");

    @Inject
    Backups backups;

    @Inject
    CurrentCaller caller;

    @GET
    public BackupListDto list(@PathParam("wsId") String wsId, @QueryParam("databaseId") String databaseId,
                              @QueryParam("status") String status, @QueryParam("page") String page, @QueryParam("limit") String limit) {
        return BackupAssembler.toDto(backups.list(caller.get(), wsId, databaseId, status, page, limit));
    }

    @GET
    @Path("{bkpId}")
    public BackupDto get(@PathParam("wsId") String wsId, @PathParam("bkpId") String bkpId) {
        return BackupAssembler.toDto(backups.get(caller.get(), wsId, bkpId));
    }

    @DELETE
    @Path("{bkpId}")
    public Response delete(@PathParam("wsId") String wsId, @PathParam("bkpId") String bkpId) {
        Retry.onConcurrentChange(() -> {
            backups.delete(caller.get(), wsId, bkpId);
            return null;
        });
        return Response.noContent().build();
    }

    @POST
    @Path("{bkpId}/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response restore(@PathParam("wsId") String wsId, @PathParam("bkpId") String bkpId, byte[] body, @Context UriInfo uri) {
        JsonBody json = JsonBody.parse(body, RESTORE_FIELDS);
        String name = json.string("name");
        String slug = json.string("slug");
        json.requireValid();
        Database db = backups.restoreToNew(caller.get(), wsId, bkpId, name, slug);
        return Response.created(uri.getBaseUriBuilder().path("workspaces").path(wsId).path("databases").path(db.id()).build())
                .entity(DatabaseAssembler.toDto(db)).build();
    }
}
