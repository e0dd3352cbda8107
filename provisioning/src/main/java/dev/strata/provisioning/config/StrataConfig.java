package dev.strata.provisioning.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Every setting of Strata, by its environment-variable name. Values are read from the environment or system
 * properties (see {@link Settings}); defaults make a single machine work with nothing set.
 */
@ApplicationScoped
public class StrataConfig {

    public Path dataDir() {
        return Settings.dataDir();
    }

    /** {@code STRATA_DRIVER}: {@code local} (default) or {@code kubernetes}. */
    public String driver() {
        return Settings.get("STRATA_DRIVER").orElse("local");
    }

    public Optional<String> bootstrapApiKey() {
        return Settings.get("STRATA_BOOTSTRAP_API_KEY");
    }

    /** {@code STRATA_ADMIN_USER}: the first dashboard user, default {@code admin}. */
    public String adminUser() {
        return Settings.get("STRATA_ADMIN_USER").orElse("admin");
    }

    /** {@code STRATA_ADMIN_PASSWORD}: its password; generated and logged once when unset. */
    public Optional<String> adminPassword() {
        return Settings.get("STRATA_ADMIN_PASSWORD");
    }

    public Optional<String> masterKey() {
        return Settings.get("STRATA_MASTER_KEY");
    }

    /** {@code STRATA_BIND_ADDRESS}: where database servers listen; 127.0.0.1 unless configured. */
    public String bindAddress() {
        return Settings.get("STRATA_BIND_ADDRESS").orElse("127.0.0.1");
    }

    /** {@code STRATA_PUBLIC_HOST}: the host written into connection URIs. */
    public String publicHost() {
        return Settings.get("STRATA_PUBLIC_HOST").orElseGet(() -> {
            String bind = bindAddress();
            if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
                return bind;
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "127.0.0.1";
            }
        });
    }

    /** {@code STRATA_PORT_RANGE}: ports handed to local database servers, {@code first-last}. */
    public PortRange portRange() {
        return PortRange.parse(Settings.get("STRATA_PORT_RANGE").orElse("15432-16431"));
    }

    /** {@code STRATA_RUN_AS}: the unprivileged account database servers run as when Strata runs as root. */
    public String runAs() {
        return Settings.get("STRATA_RUN_AS").orElse("strata");
    }

    /** {@code STRATA_RECONCILE_INTERVAL_MS}: how often every database is looked at (health checks). */
    public Duration reconcileInterval() {
        return Duration.ofMillis(Long.parseLong(Settings.get("STRATA_RECONCILE_INTERVAL_MS").orElse("1000")));
    }

    /** {@code STRATA_DEFAULT_STORAGE_CLASS}: what a database without a storageClass reports. */
    public String defaultStorageClass() {
        return Settings.get("STRATA_DEFAULT_STORAGE_CLASS").orElse(driver().equals("local") ? "local" : "standard");
    }
}
