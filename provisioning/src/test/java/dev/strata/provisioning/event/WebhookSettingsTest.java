package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookSettingsTest {

    private static WebhookSettings read(Map<String, String> env) {
        return WebhookSettings.read(name -> Optional.ofNullable(env.get(name)));
    }

    @Test
    void nothingSetGivesTheDefaults() {
        WebhookSettings s = read(Map.of());
        assertThat(s.dispatchInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.retryBase()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.giveUpAfter()).isEqualTo(Duration.ofHours(26));
        assertThat(s.allowedNetworks()).isEmpty();
        assertThat(s.allowControlPlane()).isFalse();
    }

    @Test
    void goodValuesAreTaken() {
        WebhookSettings s = read(Map.of("STRATA_WEBHOOK_DISPATCH_MS", "100", "STRATA_WEBHOOK_RETRY_BASE_SECONDS", " 1 ",
                "STRATA_WEBHOOK_GIVE_UP_HOURS", "24", "STRATA_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1/32, 10.1.0.0/16,,fd00::/8",
                "STRATA_WEBHOOK_ALLOW_CONTROL_PLANE", "true"));
        assertThat(s.dispatchInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.retryBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.giveUpAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(s.allowedNetworks()).extracting(Cidr::text).containsExactly("127.0.0.1/32", "10.1.0.0/16", "fd00::/8");
        assertThat(s.allowControlPlane()).isTrue();
    }

    /** Each bad value fails with a message that names the setting, says the accepted form and repeats what was given. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "STRATA_WEBHOOK_RETRY_BASE_SECONDS|ten|STRATA_WEBHOOK_RETRY_BASE_SECONDS must be a whole number of seconds, at least 1 (default 10); got 'ten'",
        "STRATA_WEBHOOK_RETRY_BASE_SECONDS|0|STRATA_WEBHOOK_RETRY_BASE_SECONDS must be a whole number of seconds, at least 1 (default 10); got 0",
        "STRATA_WEBHOOK_RETRY_BASE_SECONDS|-5|STRATA_WEBHOOK_RETRY_BASE_SECONDS must be a whole number of seconds, at least 1 (default 10); got -5",
        "STRATA_WEBHOOK_RETRY_BASE_SECONDS|1.5|STRATA_WEBHOOK_RETRY_BASE_SECONDS must be a whole number of seconds, at least 1 (default 10); got '1.5'",
        "STRATA_WEBHOOK_GIVE_UP_HOURS|a day|STRATA_WEBHOOK_GIVE_UP_HOURS must be a whole number of hours, at least 24 (default 26); got 'a day'",
        "STRATA_WEBHOOK_GIVE_UP_HOURS|0|STRATA_WEBHOOK_GIVE_UP_HOURS must be a whole number of hours, at least 24 (default 26); got 0",
        "STRATA_WEBHOOK_GIVE_UP_HOURS|23|STRATA_WEBHOOK_GIVE_UP_HOURS must be a whole number of hours, at least 24 (default 26); got 23",
        "STRATA_WEBHOOK_GIVE_UP_HOURS|99999999999|STRATA_WEBHOOK_GIVE_UP_HOURS must be a whole number of hours, at least 24 (default 26); got 99999999999",
        "STRATA_WEBHOOK_DISPATCH_MS|1s|STRATA_WEBHOOK_DISPATCH_MS must be a whole number of milliseconds, at least 100 (default 1000); got '1s'",
        "STRATA_WEBHOOK_DISPATCH_MS|0|STRATA_WEBHOOK_DISPATCH_MS must be a whole number of milliseconds, at least 100 (default 1000); got 0",
        "STRATA_WEBHOOK_DISPATCH_MS|99|STRATA_WEBHOOK_DISPATCH_MS must be a whole number of milliseconds, at least 100 (default 1000); got 99",
        "STRATA_WEBHOOK_ALLOWED_NETWORKS|localhost|STRATA_WEBHOOK_ALLOWED_NETWORKS: localhost is not a network such as 10.0.0.0/8 or fd00::/8 (separate several by commas)",
        "STRATA_WEBHOOK_ALLOWED_NETWORKS|10.0.0.0/8;192.168.0.0/16|STRATA_WEBHOOK_ALLOWED_NETWORKS: the prefix length of 10.0.0.0/8;192.168.0.0/16 must be between 0 and 32 (networks such as 10.0.0.0/8 or fd00::/8, separated by commas)",
        "STRATA_WEBHOOK_ALLOWED_NETWORKS|127.0.0.1/33|STRATA_WEBHOOK_ALLOWED_NETWORKS: the prefix length of 127.0.0.1/33 must be between 0 and 32 (networks such as 10.0.0.0/8 or fd00::/8, separated by commas)",
        "STRATA_WEBHOOK_ALLOWED_NETWORKS|10.0.0.0/x|STRATA_WEBHOOK_ALLOWED_NETWORKS: the prefix length of 10.0.0.0/x must be between 0 and 32 (networks such as 10.0.0.0/8 or fd00::/8, separated by commas)",
        "STRATA_WEBHOOK_ALLOW_CONTROL_PLANE|yes|STRATA_WEBHOOK_ALLOW_CONTROL_PLANE must be true or false (got 'yes')",
        "STRATA_WEBHOOK_ALLOW_CONTROL_PLANE|TRUE|STRATA_WEBHOOK_ALLOW_CONTROL_PLANE must be true or false (got 'TRUE')",
    })
    void aBadValueIsRefusedNamingTheSettingAndItsForm(String name, String value, String message) {
        assertThatThrownBy(() -> read(Map.of(name, value))).isInstanceOf(IllegalStateException.class).hasMessage(message);
    }
}
