package dev.strata.api.event;

import dev.strata.api.auth.CurrentCaller;
import dev.strata.provisioning.event.EventLog;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The workspace's event log, newest first. Query parameters are strings so that bad values get our 400. */
@RequestScoped
@Path("workspaces/{wsId}/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {

    @Inject
    EventLog events;

    @Inject
    CurrentCaller caller;

    @GET
    public EventListDto list(@PathParam("wsId") String wsId, @QueryParam("databaseId") String databaseId,
                             @QueryParam("projectId") String projectId, @QueryParam("type") String type,
                             @QueryParam("since") String since, @QueryParam("page") String page, @QueryParam("limit") String limit) {
        return EventAssembler.toDto(events.list(caller.get(), wsId, databaseId, projectId, type, since, page, limit));
    }
}
