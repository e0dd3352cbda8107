package dev.strata.provisioning.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    private static final String NAME = "STRATA_TEST_SETTING";

    private static Properties props(String value) {
        Properties p = new Properties();
        if (value != null) {
            p.setProperty(NAME, value);
        }
        return p;
    }

    @Test
    void environment_wins_over_system_property() {
        assertThat(Settings.get(NAME, Map.of(NAME, "from-env"), props("from-prop"))).contains("from-env");
    }

    @Test
    void system_property_is_used_when_environment_is_unset() {
        assertThat(Settings.get(NAME, Map.of(), props("from-prop"))).contains("from-prop");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "  \n "})
    void blank_environment_counts_as_unset(String blank) {
        assertThat(Settings.get(NAME, Map.of(NAME, blank), props("from-prop"))).contains("from-prop");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void blank_everywhere_is_empty(String blank) {
        assertThat(Settings.get(NAME, Map.of(NAME, blank), props(blank))).isEmpty();
    }

    @Test
    void unset_everywhere_is_empty() {
        assertThat(Settings.get(NAME, Map.of(), props(null))).isEmpty();
    }

    @Test
    void values_are_trimmed() {
        assertThat(Settings.get(NAME, Map.of(NAME, "  /var/lib/strata \n"), props(null))).contains("/var/lib/strata");
        assertThat(Settings.get(NAME, Map.of(), props("\t42  "))).contains("42");
    }

    @Test
    void inner_whitespace_is_kept() {
        assertThat(Settings.get(NAME, Map.of(NAME, " a b "), props(null))).contains("a b");
    }

    @Test
    void other_names_are_not_read() {
        assertThat(Settings.get(NAME, Map.of("STRATA_OTHER", "x"), new Properties())).isEmpty();
    }

    @Test
    void names_are_case_sensitive() {
        assertThat(Settings.get(NAME, Map.of(NAME.toLowerCase(), "x"), props(null))).isEmpty();
    }
}
