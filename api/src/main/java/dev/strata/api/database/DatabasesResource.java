package dev.strata.api.database;

import dev.strata.api.Retry;
import dev.strata.api.auth.CurrentCaller;
import dev.strata.api.json.JsonBody;
import dev.strata.domain.database.Database;
import dev.strata.provisioning.database.DatabaseChanges;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.database.ListRequest;
import dev.strata.provisioning.database.NewDatabase;
import dev.strata.provisioning.database.Readiness;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import dev.strata.api.backup.BackupAssembler;
import dev.strata.api.backup.BackupListDto;
import dev.strata.api.backup.BackupPolicyDto;
import dev.strata.domain.backup.Backup;
import dev.strata.provisioning.backup.Backups;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import dev.strata.api.backup.RecoveryWindowDto;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import java.util.List;
import java.util.Set;

/** Seed 003's database API. Query parameters are taken as strings so that bad values get our 400, not a 404. */
@RequestScoped
@Path("workspaces/{wsId}/databases")
@Produces(MediaType.APPLICATION_JSON)
public class DatabasesResource {

    private static final Set<String> CREATE_FIELDS = Set.of("name", "slug", "engine", "version", "cpu", "memory",
            "storageGb", "storageClass", "projectId");
    private static final Set<String> UPDATE_FIELDS = Set.of("name", "cpu", "memory", "storageGb");

    @Inject
    Databases databases;

    @Inject
    CurrentCaller caller;

    @GET
    public DatabaseListDto list(@PathParam("wsId") String wsId, @QueryParam("page") String page, @QueryParam("limit") String limit,
                                @QueryParam("engine") String engine, @QueryParam("status") String status,
                                @QueryParam("search") String search) {
        return DatabaseAssembler.toDto(databases.list(caller.get(), wsId, new ListRequest(null, page, limit, engine, status, search)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("wsId") String wsId, byte[] body, @Context UriInfo uri) {
        JsonBody json = JsonBody.parse(body, CREATE_FIELDS);
        NewDatabase req = new NewDatabase(json.string("projectId"), json.string("name"), json.string("slug"),
                json.string("engine"), json.string("version"), json.string("cpu"), json.string("memory"),
                json.integer("storageGb"), json.string("storageClass"));
        json.requireValid();
        Database db = databases.create(caller.get(), wsId, req);
        return Response.created(uri.getAbsolutePathBuilder().path(db.id()).build()).entity(DatabaseAssembler.toDto(db)).build();
    }

    @GET
    @Path("{dbId}")
    public DatabaseDto get(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        return DatabaseAssembler.toDto(databases.get(caller.get(), wsId, dbId));
    }

    @PATCH
    @Path("{dbId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public DatabaseDto update(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId, byte[] body) {
        JsonBody json = JsonBody.parse(body, UPDATE_FIELDS);
        DatabaseChanges changes = new DatabaseChanges(json.string("name"), json.string("cpu"), json.string("memory"),
                json.integer("storageGb"));
        json.requireValid();
        return DatabaseAssembler.toDto(Retry.onConcurrentChange(() -> databases.update(caller.get(), wsId, dbId, changes)));
    }

    @DELETE
    @Path("{dbId}")
    public Response delete(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        Retry.onConcurrentChange(() -> {
            databases.delete(caller.get(), wsId, dbId);
            return null;
        });
        return Response.noContent().build();
    }

    @POST
    @Path("{dbId}/sleep")
    public Response sleep(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        Database db = Retry.onConcurrentChange(() -> databases.sleep(caller.get(), wsId, dbId));
        return Response.accepted(DatabaseAssembler.toDto(db)).build();
    }

    @POST
    @Path("{dbId}/wake")
    public Response wake(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        Database db = Retry.onConcurrentChange(() -> databases.wake(caller.get(), wsId, dbId));
        return Response.accepted(DatabaseAssembler.toDto(db)).build();
    }

    @GET
    @Path("{dbId}/status")
    public ReadinessDto status(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        Readiness r = databases.readiness(caller.get(), wsId, dbId);
        return new ReadinessDto(r.ready(), r.desired());
    }

    @GET
    @Path("{dbId}/connection")
    public ConnectionDto connection(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        return DatabaseAssembler.toDto(databases.connection(caller.get(), wsId, dbId));
    }

    // --- backups of one database (here: a second root resource under .../databases/{dbId} would hide this one's paths) ---

    private static final Set<String> POLICY_FIELDS = Set.of("enabled", "schedule", "retentionDays");
    private static final Set<String> RESTORE_FIELDS = Set.of("backupId", "pointInTime");
    private static final Set<String> BRANCH_FIELDS = Set.of("name", "slug", "pointInTime");

    @Inject
    Backups backups;

    @GET
    @Path("{dbId}/backup-policy")
    public BackupPolicyDto policy(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        return BackupAssembler.toDto(Retry.onConcurrentChange(() -> backups.policy(caller.get(), wsId, dbId)));
    }

    @PUT
    @Path("{dbId}/backup-policy")
    @Consumes(MediaType.APPLICATION_JSON)
    public BackupPolicyDto changePolicy(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId, byte[] body) {
        JsonBody json = JsonBody.parse(body, POLICY_FIELDS);
        Boolean enabled = json.bool("enabled");
        String schedule = json.string("schedule");
        Integer retention = json.integer("retentionDays");
        json.requireValid();
        return BackupAssembler.toDto(Retry.onConcurrentChange(() -> backups.changePolicy(caller.get(), wsId, dbId, enabled, schedule, retention)));
    }

    @POST
    @Path("{dbId}/backups")
    public Response backUp(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId, @Context UriInfo uri) {
        Backup b = Retry.onConcurrentChange(() -> backups.request(caller.get(), wsId, dbId));
        return Response.accepted(BackupAssembler.toDto(b))
                .location(uri.getBaseUriBuilder().path("workspaces").path(wsId).path("backups").path(b.id()).build()).build();
    }

    @GET
    @Path("{dbId}/backups")
    public BackupListDto backups(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId, @QueryParam("page") String page,
                                 @QueryParam("limit") String limit) {
        return BackupAssembler.toDto(backups.listOfDatabase(caller.get(), wsId, dbId, page, limit));
    }

    @POST
    @Path("{dbId}/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response restore(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId, byte[] body) {
        JsonBody json = JsonBody.parse(body, RESTORE_FIELDS);
        String backupId = json.string("backupId");
        String pointInTime = json.string("pointInTime");
        json.requireValid();
        if (backupId != null && pointInTime != null) {
            throw new InvalidInputException("send either backupId or pointInTime, not both",
                    List.of(new FieldError("pointInTime", "send either backupId or pointInTime, not both")));
        }
        Database db = Retry.onConcurrentChange(() -> pointInTime != null
                ? backups.restoreInPlaceAt(caller.get(), wsId, dbId, pointInTime)
                : backups.restoreInPlace(caller.get(), wsId, dbId, backupId));
        return Response.accepted(DatabaseAssembler.toDto(db)).build();
    }

    // --- point in time and branches ---

    @GET
    @Path("{dbId}/recovery-window")
    public RecoveryWindowDto recoveryWindow(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        return BackupAssembler.toDto(dbId, backups.recoveryWindow(caller.get(), wsId, dbId));
    }

    @POST
    @Path("{dbId}/branches")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response branch(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId, byte[] body, @Context UriInfo uri) {
        JsonBody json = JsonBody.parse(body, BRANCH_FIELDS);
        String name = json.string("name");
        String slug = json.string("slug");
        String pointInTime = json.string("pointInTime");
        json.requireValid();
        Database db = Retry.onConcurrentChange(() -> backups.branch(caller.get(), wsId, dbId, name, slug, pointInTime));
        return Response.created(uri.getBaseUriBuilder().path("workspaces").path(wsId).path("databases").path(db.id()).build())
                .entity(DatabaseAssembler.toDto(db)).build();
    }

    @GET
    @Path("{dbId}/branches")
    public DatabaseListDto branches(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        return DatabaseAssembler.toDto(backups.branches(caller.get(), wsId, dbId));
    }

    @POST
    @Path("{dbId}/reset")
    public Response reset(@PathParam("wsId") String wsId, @PathParam("dbId") String dbId) {
        Database db = Retry.onConcurrentChange(() -> backups.reset(caller.get(), wsId, dbId));
        return Response.accepted(DatabaseAssembler.toDto(db)).build();
    }
}
