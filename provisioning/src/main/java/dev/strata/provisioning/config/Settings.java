package dev.strata.provisioning.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

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

    static Optional<String> get(String name, Map<String, String> env, Properties props) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            v = props.getProperty(name);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /**
     * The whole number the setting {@code name} gives ({@code setting} maps a name to its value, empty when unset):
     * at least {@code min}, at most {@link Integer#MAX_VALUE}, {@code fallback} when unset. The one parser of Strata's
     * whole-number settings, so that each bad value is refused in the same words.
     *
     * @param unit what the number counts ("seconds", "connections"), for the message
     * @throws IllegalStateException for a bad value, naming the setting, the form it takes and what it is
     */
    public static long wholeNumber(Function<String, Optional<String>> setting, String name, long fallback, long min, String unit) {
        Optional<String> raw = setting.apply(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        String v = raw.get().trim();
        String form = name + " must be a whole number of " + unit + ", at least " + min + " (default " + fallback + ")";
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(form + "; got '" + v + "'");
        }
        if (n < min || n > Integer.MAX_VALUE) {
            throw new IllegalStateException(form + "; got " + n);
        }
        return n;
    }

    /** {@code STRATA_DATA_DIR}, default {@code ./.strata} relative to the server's working directory. */
    public static Path dataDir() {
        return Path.of(get("STRATA_DATA_DIR").orElse(".strata")).toAbsolutePath().normalize();
    }
}
