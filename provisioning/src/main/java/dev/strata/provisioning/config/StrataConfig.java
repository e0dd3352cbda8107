package dev.strata.provisioning.config;

import dev.strata.domain.database.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

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
            } catch (UnknownHostException e) {
                return "127.0.0.1";
            }
        });
    }

    /** {@code STRATA_PORT_RANGE}: ports handed to local database servers, {@code first-last}. */
    public PortRange portRange() {
        return PortRange.parse(Settings.get("STRATA_PORT_RANGE").orElse("15432-16431"));
    }

    /** {@code STRATA_TLS_MODE}: {@code prefer} (default), {@code require} or {@code off}; see {@link TlsMode}. */
    public TlsMode tlsMode() {
        return Settings.get("STRATA_TLS_MODE").map(TlsMode::parse).orElse(TlsMode.PREFER);
    }

    /** {@code STRATA_RUN_AS}: the unprivileged account database servers run as when Strata runs as root. */
    public String runAs() {
        return Settings.get("STRATA_RUN_AS").orElse("strata");
    }

    /**
     * {@code STRATA_RECONCILE_INTERVAL_MS}: how often the reconciler looks for databases with work left (being
     * created, changed, woken, put to sleep, deleted, failing, not answering) and health-checks those whose server it
     * cannot watch as a process (Kubernetes mode).
     */
    public Duration reconcileInterval() {
        return Duration.ofMillis(Long.parseLong(Settings.get("STRATA_RECONCILE_INTERVAL_MS").orElse("1000")));
    }

    /**
     * {@code STRATA_RESYNC_SECONDS} (300 by default): the safety net of the change-driven reconciler. Every database
     * is worked on once per this period (its server health-checked with a connection, its storage measured), spread
     * evenly over the period; in between, only changes, process exits and unfinished work are.
     */
    public Duration resyncInterval() {
        return Duration.ofSeconds(Math.max(1, Long.parseLong(Settings.get("STRATA_RESYNC_SECONDS").orElse("300").trim())));
    }

    /**
     * {@code STRATA_WAKE_ON_CONNECT} ({@code true} by default): local databases that have slept are woken by a
     * client's connection to their port (Strata's front door holds it); {@code false}: a sleeping database's port
     * refuses connections until {@code /wake}.
     */
    public boolean wakeOnConnect() {
        String v = Settings.get("STRATA_WAKE_ON_CONNECT").orElse("true").trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalStateException("STRATA_WAKE_ON_CONNECT must be true or false (got '" + v + "')");
        }
        return v.equals("true");
    }

    /**
     * {@code STRATA_FRONT_DOOR_MAX_PER_PORT} (200): how many client connections Strata's front door holds at once on
     * one port of a database (passed through or waiting for a wake); more are refused (closed at once). Each
     * connection passed through costs two threads of Strata's JVM.
     */
    public int frontDoorMaxPerPort() {
        return positive("STRATA_FRONT_DOOR_MAX_PER_PORT", 200, "connections");
    }

    /** {@code STRATA_FRONT_DOOR_MAX_CONNECTIONS} (1000): as {@link #frontDoorMaxPerPort()}, for all the front door's ports together. */
    public int frontDoorMaxConnections() {
        return positive("STRATA_FRONT_DOOR_MAX_CONNECTIONS", 1000, "connections");
    }

    private static int positive(String name, int byDefault, String unit) {
        return (int) Settings.wholeNumber(Settings::get, name, byDefault, 1, unit);
    }

    /** {@code STRATA_IDLE_CHECK_SECONDS} (30): how often databases of projects with autoSleepMinutes are checked for clients. */
    public Duration idleCheckInterval() {
        return Duration.ofSeconds(Long.parseLong(Settings.get("STRATA_IDLE_CHECK_SECONDS").orElse("30")));
    }

    /** {@code STRATA_USAGE_SAMPLE_SECONDS} (300): how often the usage history the dashboard charts is sampled (a figure is stored only when it changed). */
    public Duration usageSampleInterval() {
        return Duration.ofSeconds(Math.max(1, Long.parseLong(Settings.get("STRATA_USAGE_SAMPLE_SECONDS").orElse("300"))));
    }

    /** {@code STRATA_AUTO_SLEEP_MINUTE_SECONDS} (60): the length of an autoSleepMinutes minute; for tests only. */
    public Duration autoSleepMinute() {
        return Duration.ofSeconds(Long.parseLong(Settings.get("STRATA_AUTO_SLEEP_MINUTE_SECONDS").orElse("60")));
    }

    /** {@code STRATA_DEFAULT_STORAGE_CLASS}: what a database without a storageClass reports. */
    public String defaultStorageClass() {
        return Settings.get("STRATA_DEFAULT_STORAGE_CLASS").orElse(driver().equals("local") ? "local" : "standard");
    }

    /** Whether {@code STRATA_DEFAULT_STORAGE_CLASS} is set (else the cluster's default StorageClass applies). */
    public boolean defaultStorageClassConfigured() {
        return Settings.get("STRATA_DEFAULT_STORAGE_CLASS").isPresent();
    }

    /**
     * {@code STRATA_KUBECONFIG}: the kubeconfig file of the cluster (Kubernetes mode). Unset: the pod's service
     * account when running in a cluster, else {@code ~/.kube/config}.
     */
    public Optional<String> kubeconfig() {
        return Settings.get("STRATA_KUBECONFIG");
    }

    /**
     * {@code STRATA_K8S_NAMESPACE_MODE}: where databases go in Kubernetes mode: {@code workspace} (default, one
     * namespace per workspace), {@code project} (one per project) or {@code single} ({@code STRATA_K8S_NAMESPACE}).
     */
    public String namespaceMode() {
        return Settings.get("STRATA_K8S_NAMESPACE_MODE").orElse("workspace");
    }

    /** {@code STRATA_K8S_NAMESPACE}: the namespace of the {@code single} mode, default {@code strata-databases}. */
    public String singleNamespace() {
        return Settings.get("STRATA_K8S_NAMESPACE").orElse("strata-databases");
    }

    /** {@code STRATA_K8S_NAMESPACE_PREFIX}: prefix of the per-workspace or per-project namespaces, default {@code strata-}. */
    public String namespacePrefix() {
        return Settings.get("STRATA_K8S_NAMESPACE_PREFIX").orElse("strata-");
    }

    /**
     * {@code STRATA_K8S_VERSIONS_<ENGINE>}: the versions offered in Kubernetes mode, newest first, comma-separated.
     */
    public List<String> kubernetesVersions(String engine, String defaults) {
        String raw = Settings.get("STRATA_K8S_VERSIONS_" + engine.toUpperCase(Locale.ROOT)).orElse(defaults);
        return Arrays.stream(raw.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /**
     * {@code STRATA_K8S_IMAGE_<ENGINE>}: the container image of an engine in Kubernetes mode, {@code {version}}
     * standing for the database's version ({@code {tag}}, for the version's pinned tag, is replaced by the driver).
     */
    public String kubernetesImage(String engine, String version, String defaultTemplate) {
        String template = Settings.get("STRATA_K8S_IMAGE_" + engine.toUpperCase(Locale.ROOT)).orElse(defaultTemplate);
        return template.replace("{version}", version);
    }

    /**
     * The S3-compatible object store that the operators' backups go to in Kubernetes mode, reachable from the
     * database pods: {@code STRATA_K8S_BACKUP_S3_ENDPOINT} (e.g. {@code https://s3.eu-west-1.amazonaws.com} or
     * {@code http://minio.storage.svc:9000}), {@code STRATA_K8S_BACKUP_S3_BUCKET},
     * {@code STRATA_K8S_BACKUP_S3_REGION} (default {@code us-east-1}), {@code STRATA_K8S_BACKUP_S3_ACCESS_KEY_ID}
     * and {@code STRATA_K8S_BACKUP_S3_SECRET_ACCESS_KEY}. Each database's backups and archive go under
     * {@code databases/<database id>/} in the bucket. Empty when one of them is missing (backups are then refused
     * with {@link #kubernetesBackupStoreMissing()}).
     */
    public Optional<BackupObjectStore> kubernetesBackupStore() {
        if (kubernetesBackupStoreMissing() != null) {
            return Optional.empty();
        }
        return Optional.of(new BackupObjectStore(Settings.get("STRATA_K8S_BACKUP_S3_ENDPOINT").orElseThrow(),
                Settings.get("STRATA_K8S_BACKUP_S3_BUCKET").orElseThrow(), Settings.get("STRATA_K8S_BACKUP_S3_REGION").orElse("us-east-1"),
                Settings.get("STRATA_K8S_BACKUP_S3_ACCESS_KEY_ID").orElseThrow(),
                Settings.get("STRATA_K8S_BACKUP_S3_SECRET_ACCESS_KEY").orElseThrow()));
    }

    /** Null when the backup object store of Kubernetes mode is configured, else which settings are missing, in words. */
    public String kubernetesBackupStoreMissing() {
        List<String> missing = Stream.of("STRATA_K8S_BACKUP_S3_ENDPOINT", "STRATA_K8S_BACKUP_S3_BUCKET",
                "STRATA_K8S_BACKUP_S3_ACCESS_KEY_ID", "STRATA_K8S_BACKUP_S3_SECRET_ACCESS_KEY").filter(n -> Settings.get(n).isEmpty()).toList();
        return missing.isEmpty() ? null : "backups in Kubernetes mode go to an S3-compatible object store that the database pods can reach,"
                + " and it is not configured: set " + String.join(", ", missing) + " (and STRATA_K8S_BACKUP_S3_REGION unless it is us-east-1)";
    }

    /**
     * {@code STRATA_K8S_BACKUP_TIMEOUT_MINUTES}: how long a backup through an operator may take before Strata gives
     * up waiting for it (the operator's own resource stays), default 360.
     */
    public Duration kubernetesBackupTimeout() {
        return Duration.ofMinutes(Long.parseLong(Settings.get("STRATA_K8S_BACKUP_TIMEOUT_MINUTES").orElse("360")));
    }

    /** {@code STRATA_HTTP_PORT} (8080): the dashboard's and API's port; Payara's HTTPS port is the next, its admin port 32 lower. */
    public int httpPort() {
        return Integer.parseInt(Settings.get("STRATA_HTTP_PORT").orElse("8080").trim());
    }

    /** {@code STRATA_S3_PORT} (9000): the embedded S3 endpoint's port. */
    public int s3Port() {
        return Integer.parseInt(Settings.get("STRATA_S3_PORT").orElse("9000").trim());
    }

    /** {@code STRATA_S3_TLS_PORT} ({@code STRATA_S3_PORT} + 443): the embedded S3 endpoint's TLS port. */
    public int s3TlsPort() {
        return Settings.get("STRATA_S3_TLS_PORT").map(v -> Integer.parseInt(v.trim())).orElse(s3Port() + 443);
    }

    /** {@code STRATA_METADATA_PORT}: the port of the metadata server Strata runs, when set. */
    public Optional<Integer> metadataPort() {
        return Settings.get("STRATA_METADATA_PORT").map(v -> Integer.parseInt(v.trim()));
    }

    /**
     * {@code STRATA_EVENT_RETENTION_DAYS} (90, at least 1): how long events and finished webhook deliveries are kept
     * (event retention reads it at start: an {@link IllegalStateException} naming a bad value fails the deployment).
     */
    public Duration eventRetention() {
        return eventRetention(Settings::get);
    }

    /** {@link #eventRetention()} as {@code setting} (a name to its value, empty when unset) gives it. */
    public static Duration eventRetention(Function<String, Optional<String>> setting) {
        return Duration.ofDays(Settings.wholeNumber(setting, "STRATA_EVENT_RETENTION_DAYS", 90, 1, "days"));
    }

    /** {@code STRATA_EVENT_RETENTION_INTERVAL_SECONDS} (3600, at least 1): how often event retention runs; for tests only. */
    public Duration eventRetentionInterval() {
        return Duration.ofSeconds(Settings.wholeNumber(Settings::get, "STRATA_EVENT_RETENTION_INTERVAL_SECONDS", 3600, 1, "seconds"));
    }

    /**
     * {@code STRATA_METRICS_TOKEN} (unset): when set, {@code /metrics} answers only scrapes that send
     * {@code Authorization: Bearer <token>}. Read at each scrape (a secret: never logged).
     */
    public Optional<String> metricsToken() {
        return Settings.get("STRATA_METRICS_TOKEN");
    }

    /** The largest warm pool per engine: each spare is a whole server (memory, a port) held for creates to come. */
    public static final int WARM_POOL_MAX = 16;

    /**
     * {@code STRATA_WARM_POOL_<ENGINE>} (0): how many spare, already started servers of the engine's default version
     * local mode keeps for new databases ({@code STRATA_WARM_POOL_POSTGRESQL=2}). 0 turns the pool off.
     */
    public int warmPoolSize(Engine engine) {
        String name = "STRATA_WARM_POOL_" + engine.name();
        String v = Settings.get(name).orElse("0").trim();
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a whole number from 0 to " + WARM_POOL_MAX + " (got '" + v + "')");
        }
        if (n < 0 || n > WARM_POOL_MAX) {
            throw new IllegalStateException(name + " must be a whole number from 0 to " + WARM_POOL_MAX + " (got " + n + ")");
        }
        return n;
    }

    /** Where the operators' backups go in Kubernetes mode (secrets included: never log them). */
    public record BackupObjectStore(String endpoint, String bucket, String region, String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "BackupObjectStore[" + endpoint + "/" + bucket + "]";
        }
    }
}
