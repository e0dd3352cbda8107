package dev.strata.api.database;

import dev.strata.api.auth.CurrentCaller;
import dev.strata.api.json.JsonBody;
import dev.strata.domain.database.Database;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.database.ListRequest;
import dev.strata.provisioning.database.NewDatabase;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.Set;

/**
 * Seed 000's database API: {@code POST /v1/databases} with {@code projectId} and {@code engine} in the body, and
 * {@code GET /v1/databases}; the workspace is the API key's. The same databases appear under the workspace dialect.
 */
@RequestScoped
@Path("databases")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectDatabasesResource {

    private static final Set<String> CREATE_FIELDS = Set.of("projectId", "engine", "name", "slug", "version", "cpu",
            "memory", "storageGb", "storageClass");

    @Inject
    Databases databases;

    @Inject
    CurrentCaller caller;

    @GET
    public DatabaseListDto list(@QueryParam("projectId") String projectId, @QueryParam("page") String page,
                                @QueryParam("limit") String limit, @QueryParam("engine") String engine,
                                @QueryParam("status") String status, @QueryParam("search") String search) {
        return DatabaseAssembler.toDto(databases.list(caller.get(), caller.get().workspaceId(),
                new ListRequest(projectId, page, limit, engine, status, search)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(byte[] body) {
        JsonBody json = JsonBody.parse(body, CREATE_FIELDS);
        NewDatabase req = new NewDatabase(json.string("projectId"), json.string("name"), json.string("slug"),
                json.string("engine"), json.string("version"), json.string("cpu"), json.string("memory"),
                json.integer("storageGb"), json.string("storageClass"));
        json.requireValid();
        Database db = databases.createForProject(caller.get(), req);
        // the database's own address is in the workspace dialect
        return Response.created(UriBuilder.fromPath("/api/v1/workspaces/{ws}/databases/{id}").build(db.workspaceId(), db.id()))
                .entity(DatabaseAssembler.toDto(db)).build();
    }
}
