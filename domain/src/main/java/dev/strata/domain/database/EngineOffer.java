package dev.strata.domain.database;

import java.util.List;
import java.util.Map;

/**
 * An engine a driver can run on this host, with its versions newest first; the first is the default. Extensions
 * lists, per version, the extensions a database owner may create there (PostgreSQL; empty for engines without any).
 */
public record EngineOffer(Engine engine, List<String> versions, Map<String, List<String>> extensions) {

    public EngineOffer {
        versions = List.copyOf(versions);
        extensions = Map.copyOf(extensions);
    }

    /** An offer without extensions. */
    public EngineOffer(Engine engine, List<String> versions) {
        this(engine, versions, Map.of());
    }

    public String defaultVersion() {
        return versions.get(0);
    }

    /** The extensions offered with a version (none when it offers none). */
    public List<String> extensions(String version) {
        return extensions.getOrDefault(version, List.of());
    }
}
