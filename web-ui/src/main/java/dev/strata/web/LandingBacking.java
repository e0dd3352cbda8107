package dev.strata.web;

import dev.strata.provisioning.database.Databases;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;

/** Backs {@code index.xhtml}: what this host offers. */
@Named("landing")
@RequestScoped
public class LandingBacking {

    @Inject
    Databases databases;

    /** One row per engine, ready to show. */
    public record EngineRow(String engine, String versions) {
    }

    public List<EngineRow> getEngines() {
        return databases.offers().stream()
                .map(o -> new EngineRow(o.engine().wireName(), String.join(", ", o.versions()))).toList();
    }
}
