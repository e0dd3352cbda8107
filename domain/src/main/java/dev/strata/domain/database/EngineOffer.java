package dev.strata.domain.database;

import java.util.List;

/** An engine a driver can run on this host, with its versions newest first; the first is the default. */
public record EngineOffer(Engine engine, List<String> versions) {

    public String defaultVersion() {
        return versions.get(0);
    }
}
