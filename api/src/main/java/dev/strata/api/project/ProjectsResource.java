package dev.strata.api.project;

import dev.strata.api.Retry;
import dev.strata.api.Timestamps;
import dev.strata.api.auth.CurrentCaller;
import dev.strata.api.json.JsonBody;
import dev.strata.domain.project.Project;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.provisioning.project.EnvVar;
import dev.strata.provisioning.project.Projects;
import dev.strata.provisioning.storage.Buckets;
import dev.strata.domain.storage.StorageQuota;
import dev.strata.provisioning.storage.IssuedStorageKey;
import dev.strata.api.storage.StorageKeyDto;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Projects of the key's workspace: CRUD, sleep/wake, and the managed environment variables. */
@RequestScoped
@Path("projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectsResource {

    @Inject
    Projects projects;

    @Inject
    CurrentCaller caller;

    @Inject
    Buckets buckets;

    @GET
    public Map<String, List<ProjectDto>> list() {
        return Map.of("data", projects.list(caller.get()).stream().map(ProjectsResource::toDto).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(byte[] body, @Context UriInfo uri) {
        JsonBody json = JsonBody.parse(body, Set.of("name", Projects.AUTO_SLEEP_MINUTES));
        String name = json.string("name");
        Long autoSleep = json.wholeNumber(Projects.AUTO_SLEEP_MINUTES, 0, Project.MAX_AUTO_SLEEP_MINUTES);
        json.requireValid();
        Project p = projects.create(caller.get(), name, autoSleep == null ? null : autoSleep.intValue());
        return Response.created(uri.getAbsolutePathBuilder().path(p.id()).build()).entity(toDto(p)).build();
    }

    @GET
    @Path("{projectId}")
    public ProjectDto get(@PathParam("projectId") String projectId) {
        return toDto(projects.get(caller.get(), projectId));
    }

    /**
     * Changes the project: {@code primaryDatabaseId}, the database {@code DATABASE_URL} points at (a live database
     * of this project, or null for the default rule), and {@code autoSleepMinutes} (0 to 10080; 0: never). A field
     * left out is left as it is.
     */
    @PATCH
    @Path("{projectId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public ProjectDto update(@PathParam("projectId") String projectId, byte[] body) {
        JsonBody json = JsonBody.parse(body, Set.of(Projects.PRIMARY_DATABASE_ID, Projects.AUTO_SLEEP_MINUTES));
        boolean choosing = json.has(Projects.PRIMARY_DATABASE_ID);
        String primary = json.string(Projects.PRIMARY_DATABASE_ID);
        if (json.has(Projects.AUTO_SLEEP_MINUTES) && !json.present(Projects.AUTO_SLEEP_MINUTES)) {
            json.reject(Projects.AUTO_SLEEP_MINUTES, "autoSleepMinutes must be a whole number from 0 (never) to " + Project.MAX_AUTO_SLEEP_MINUTES + ", not null");
        }
        Long autoSleep = json.wholeNumber(Projects.AUTO_SLEEP_MINUTES, 0, Project.MAX_AUTO_SLEEP_MINUTES);
        json.requireValid();
        return toDto(Retry.onConcurrentChange(() -> projects.update(caller.get(), projectId, choosing, primary,
                autoSleep == null ? null : autoSleep.intValue())));
    }

    @DELETE
    @Path("{projectId}")
    public Response delete(@PathParam("projectId") String projectId) {
        Retry.onConcurrentChange(() -> {
            projects.delete(caller.get(), projectId);
            return null;
        });
        return Response.noContent().build();
    }

    @POST
    @Path("{projectId}/sleep")
    public Response sleep(@PathParam("projectId") String projectId) {
        return Response.accepted(toDto(Retry.onConcurrentChange(() -> projects.sleep(caller.get(), projectId)))).build();
    }

    @POST
    @Path("{projectId}/wake")
    public Response wake(@PathParam("projectId") String projectId) {
        return Response.accepted(toDto(Retry.onConcurrentChange(() -> projects.wake(caller.get(), projectId)))).build();
    }

    /** The managed variables as JSON, or as a {@code .env} file with {@code ?format=dotenv}. */
    @GET
    @Path("{projectId}/env")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    public Response env(@PathParam("projectId") String projectId, @QueryParam("format") String format) {
        List<EnvVar> env = projects.environment(caller.get(), projectId);
        if (format == null || format.equals("json")) {
            return Response.ok(Map.of("data", env.stream().map(v -> new EnvVarDto(v.name(), v.value(), true, v.managedBy())).toList()),
                    MediaType.APPLICATION_JSON).build();
        }
        if (format.equals("dotenv")) {
            StringBuilder sb = new StringBuilder("# Managed by Strata for project ").append(projectId).append('\n');
            env.forEach(v -> sb.append(v.name()).append("=\"").append(v.value().replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
            return Response.ok(sb.toString(), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
        }
        throw new InvalidInputException("format", "format must be json or dotenv (got '" + (format.length() > 40 ? format.substring(0, 40) + "…" : format) + "')");
    }

    /** The project's storage quota and what its buckets hold now. */
    @GET
    @Path("{projectId}/storage-quota")
    public StorageQuotaDto storageQuota(@PathParam("projectId") String projectId) {
        return toDto(buckets.quota(caller.get(), projectId));
    }

    /**
     * Sets the project's storage quota: {@code maxBytes} and {@code maxObjects}, each a whole number or null for no
     * limit (a field left out is no limit too). Writes beyond it are refused by S3 with 403 QuotaExceeded.
     */
    @PUT
    @Path("{projectId}/storage-quota")
    @Consumes(MediaType.APPLICATION_JSON)
    public StorageQuotaDto limitStorage(@PathParam("projectId") String projectId, byte[] body) {
        JsonBody json = JsonBody.parse(body, Set.of("maxBytes", "maxObjects"));
        Long maxBytes = json.wholeNumber("maxBytes", 0, StorageQuota.MAX);
        Long maxObjects = json.wholeNumber("maxObjects", 0, StorageQuota.MAX);
        json.requireValid();
        return toDto(Retry.onConcurrentChange(() -> buckets.limit(caller.get(), projectId, new StorageQuota(maxBytes, maxObjects))));
    }

    private static StorageQuotaDto toDto(Buckets.QuotaStatus q) {
        return new StorageQuotaDto(q.quota().maxBytes(), q.quota().maxObjects(), q.used().bytes(), q.used().objects());
    }

    /** The project's active S3 keys (with secrets: they are the project's own credentials). */
    @GET
    @Path("{projectId}/storage-keys")
    public Map<String, List<StorageKeyDto>> storageKeys(@PathParam("projectId") String projectId) {
        return Map.of("data", buckets.activeKeys(caller.get(), projectId).stream().map(ProjectsResource::toDto).toList());
    }

    /** Mints a new key; older keys stay valid until revoked. */
    @POST
    @Path("{projectId}/storage-keys")
    public Response rotateStorageKey(@PathParam("projectId") String projectId) {
        return Response.status(201).entity(toDto(buckets.rotateKey(caller.get(), projectId))).build();
    }

    /** Revokes a key: the object store refuses it from the next request on. */
    @DELETE
    @Path("{projectId}/storage-keys/{accessKeyId}")
    public Response revokeStorageKey(@PathParam("projectId") String projectId, @PathParam("accessKeyId") String accessKeyId) {
        buckets.revokeKey(caller.get(), projectId, accessKeyId);
        return Response.noContent().build();
    }

    private static StorageKeyDto toDto(IssuedStorageKey k) {
        return new StorageKeyDto(k.accessKeyId(), k.secret(), Timestamps.format(k.createdAt()));
    }

    static ProjectDto toDto(Project p) {
        return new ProjectDto(p.id(), p.name(), p.sleeping() ? "sleeping" : "active", p.primaryDatabaseId(), p.autoSleepMinutes(),
                Timestamps.format(p.createdAt()),
                Timestamps.format(p.updatedAt()));
    }
}
