package dev.strata.api.webhook;

import dev.strata.api.auth.CurrentCaller;
import dev.strata.api.json.JsonBody;
import dev.strata.provisioning.event.Webhooks;
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
import java.util.Set;

/** A workspace's webhooks and their deliveries. */
@RequestScoped
@Path("workspaces/{wsId}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhooksResource {

    private static final Set<String> CREATE_FIELDS = Set.of("url", "events", "description");

    @Inject
    Webhooks webhooks;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("wsId") String wsId, byte[] body, @Context UriInfo uri) {
        JsonBody json = JsonBody.parse(body, CREATE_FIELDS);
        String url = json.string("url");
        List<String> events = json.stringList("events");
        String description = json.string("description");
        json.requireValid();
        Webhooks.Created created = webhooks.create(caller.get(), wsId, url, events, description);
        return Response.created(uri.getAbsolutePathBuilder().path(created.webhook().id()).build())
                .entity(WebhookAssembler.toDto(created)).build();
    }

    @GET
    public WebhookListDto list(@PathParam("wsId") String wsId, @QueryParam("page") String page, @QueryParam("limit") String limit) {
        return WebhookAssembler.webhooks(webhooks.list(caller.get(), wsId, page, limit));
    }

    @GET
    @Path("{webhookId}")
    public WebhookDto get(@PathParam("wsId") String wsId, @PathParam("webhookId") String webhookId) {
        return WebhookAssembler.toDto(webhooks.get(caller.get(), wsId, webhookId));
    }

    @DELETE
    @Path("{webhookId}")
    public Response delete(@PathParam("wsId") String wsId, @PathParam("webhookId") String webhookId) {
        webhooks.delete(caller.get(), wsId, webhookId);
        return Response.noContent().build();
    }

    @GET
    @Path("{webhookId}/deliveries")
    public DeliveryListDto deliveries(@PathParam("wsId") String wsId, @PathParam("webhookId") String webhookId,
                                      @QueryParam("page") String page, @QueryParam("limit") String limit) {
        return WebhookAssembler.deliveries(webhooks.deliveries(caller.get(), wsId, webhookId, page, limit));
    }
}
