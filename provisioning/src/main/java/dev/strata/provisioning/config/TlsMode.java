package dev.strata.provisioning.config;

import java.util.Locale;

/**
 * {@code STRATA_TLS_MODE}: how local database servers speak TLS. {@link #PREFER} (default) offers TLS with a
 * certificate from Strata's certificate authority and still accepts plain connections; {@link #REQUIRE} refuses
 * plain ones; {@link #OFF} offers no TLS.
 */
public enum TlsMode {
    OFF, PREFER, REQUIRE;

    public boolean enabled() {
        return this != OFF;
    }

    public static TlsMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("STRATA_TLS_MODE must be prefer, require or off, got " + text);
        }
    }
}
