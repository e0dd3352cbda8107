package dev.strata.provisioning.event;

import static dev.strata.provisioning.config.Settings.wholeNumber;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The STRATA_WEBHOOK_* settings, parsed and checked once when Strata starts ({@link WebhookDispatcher} asks
 * {@link WebhookGuard#settings()} for them at start, so a bad value fails the deployment with a message naming the
 * setting and the form it takes). Everything that sends or vets webhooks reads this record, never the raw settings: a
 * value that was accepted at start cannot fail later, in a delivery or in a request.
 *
 * @param dispatchInterval  STRATA_WEBHOOK_DISPATCH_MS (1000, at least 100): how often due deliveries are looked for
 * @param retryBase         STRATA_WEBHOOK_RETRY_BASE_SECONDS (10, at least 1): the first wait after a failed attempt
 * @param giveUpAfter       STRATA_WEBHOOK_GIVE_UP_HOURS (26, at least 24): how long a delivery is retried
 * @param allowedNetworks   STRATA_WEBHOOK_ALLOWED_NETWORKS (none): CIDRs webhook URLs may resolve into although special
 * @param allowControlPlane STRATA_WEBHOOK_ALLOW_CONTROL_PLANE (false): whether Strata's own ports may be targets
 */
public record WebhookSettings(Duration dispatchInterval, Duration retryBase, Duration giveUpAfter, List<Cidr> allowedNetworks,
        boolean allowControlPlane) {

    public static final long DISPATCH_MS_MIN = 100;
    public static final long RETRY_BASE_SECONDS_MIN = 1;
    /** Deliveries are retried for at least a day. */
    public static final long GIVE_UP_HOURS_MIN = 24;

    public WebhookSettings {
        allowedNetworks = List.copyOf(allowedNetworks);
    }

    /**
     * The settings as {@code setting} (a name to its value, empty when unset) gives them.
     *
     * @throws IllegalStateException for the first bad value, naming the setting, what it must be and what it is
     */
    public static WebhookSettings read(Function<String, Optional<String>> setting) {
        Duration dispatch = Duration.ofMillis(wholeNumber(setting, "STRATA_WEBHOOK_DISPATCH_MS", 1000, DISPATCH_MS_MIN, "milliseconds"));
        Duration base = Duration.ofSeconds(wholeNumber(setting, "STRATA_WEBHOOK_RETRY_BASE_SECONDS", 10, RETRY_BASE_SECONDS_MIN, "seconds"));
        Duration giveUp = Duration.ofHours(wholeNumber(setting, "STRATA_WEBHOOK_GIVE_UP_HOURS", 26, GIVE_UP_HOURS_MIN, "hours"));
        List<Cidr> networks = Arrays.stream(setting.apply("STRATA_WEBHOOK_ALLOWED_NETWORKS").orElse("").split(","))
                .map(String::trim).filter(v -> !v.isEmpty())
                .map(v -> Cidr.parse("STRATA_WEBHOOK_ALLOWED_NETWORKS", v)).toList();
        String control = setting.apply("STRATA_WEBHOOK_ALLOW_CONTROL_PLANE").orElse("false").trim();
        if (!control.equals("true") && !control.equals("false")) {
            throw new IllegalStateException("STRATA_WEBHOOK_ALLOW_CONTROL_PLANE must be true or false (got '" + control + "')");
        }
        return new WebhookSettings(dispatch, base, giveUp, networks, control.equals("true"));
    }
}
