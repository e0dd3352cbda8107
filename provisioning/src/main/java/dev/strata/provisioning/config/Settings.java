package dev.strata.provisioning.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a setting by its environment-variable name ({@code STRATA_DATA_DIR}) from the environment, then from a
 * system property of the same name. Used where MicroProfile Config is not yet available (the data source is
 * created before CDI); everything else goes through {@link StrataConfig}, which reads the same names.
 */
public final class Settings {

    private Settings() {
    }

    public static Optional<String> get(String name) {
        return get(name, System.getenv(), System.getProperties());
    }

    static Optional<String> get(String name, Map<String, String> env, java.util.Properties props) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            v = props.getProperty(name);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** {@code STRATA_DATA_DIR}, default {@code ./.strata} relative to the server's working directory. */
    public static Path dataDir() {
        return Path.of(get("STRATA_DATA_DIR").orElse(".strata")).toAbsolutePath().normalize();
    }
}
