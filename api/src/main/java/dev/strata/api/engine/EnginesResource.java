package dev.strata.api.engine;

import dev.strata.provisioning.database.Databases;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

@RequestScoped
@Path("engines")
@Produces(MediaType.APPLICATION_JSON)
public class EnginesResource {

    @Inject
    Databases databases;

    @GET
    public Map<String, List<EngineDto>> list() {
        return Map.of("data", databases.offers().stream()
                .map(o -> new EngineDto(o.engine().wireName(), o.versions(), o.defaultVersion(), new java.util.TreeMap<>(o.extensions()))).toList());
    }
}
