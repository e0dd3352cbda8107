package dev.strata.api.storage;

import dev.strata.api.Timestamps;
import dev.strata.api.auth.CurrentCaller;
import dev.strata.api.json.JsonBody;
import dev.strata.domain.storage.Bucket;
import dev.strata.provisioning.storage.Buckets;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Seed 000's buckets: {@code GET|POST /v1/storage/buckets} with {@code projectId} in the body. */
@RequestScoped
@Path("storage/buckets")
@Produces(MediaType.APPLICATION_JSON)
public class BucketsResource {

    @Inject
    Buckets buckets;

    @Inject
    CurrentCaller caller;

    @GET
    public Map<String, List<BucketDto>> list(@QueryParam("projectId") String projectId) {
        return Map.of("data", buckets.list(caller.get(), projectId).stream().map(this::toDto).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(byte[] body, @Context UriInfo uri) {
        JsonBody json = JsonBody.parse(body, Set.of("projectId", "name"));
        String projectId = json.string("projectId");
        String name = json.string("name");
        json.requireValid();
        Bucket b = buckets.create(caller.get(), projectId, name);
        return Response.created(uri.getAbsolutePathBuilder().path(b.id()).build()).entity(toDto(b)).build();
    }

    @GET
    @Path("{bucketId}")
    public BucketDto get(@PathParam("bucketId") String bucketId) {
        return toDto(buckets.get(caller.get(), bucketId));
    }

    @DELETE
    @Path("{bucketId}")
    public Response delete(@PathParam("bucketId") String bucketId) {
        buckets.delete(caller.get(), bucketId);
        return Response.noContent().build();
    }

    private BucketDto toDto(Bucket b) {
        var used = buckets.usage(b);
        return new BucketDto(b.id(), b.projectId(), b.name().value(), buckets.endpoint(), buckets.region(), Timestamps.format(b.createdAt()),
                new BucketDto.Usage(used.bytes(), used.objects()));
    }
}
