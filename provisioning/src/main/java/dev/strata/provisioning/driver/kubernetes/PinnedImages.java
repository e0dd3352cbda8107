package dev.strata.provisioning.driver.kubernetes;

import dev.strata.domain.database.Engine;
import java.util.List;
import java.util.Optional;

/**
 * The one table of container images Strata writes in Kubernetes mode: for each engine version Strata can offer, the
 * image repository and a full tag that the operator release Strata is built against supports and tests. A rolling
 * tag ({@code :16}, {@code :7.0}, {@code latest}) would let a node pull a different server than its neighbour
 * (or than the one a backup was taken with) whenever the registry moves it, and CloudNativePG detects upgrades by
 * comparing tags (internal/webhook/v1/cluster_webhook.go {@code validateImageName} refuses {@code latest} and
 * digests for that reason). Each row says where its tag comes from; update the table, not the drivers, when
 * moving to newer operator releases.
 * <p>
 * {@code STRATA_K8S_IMAGE_<ENGINE>} still overrides the image (e.g. a registry mirror): {@code {tag}} in it stands
 * for the tag of this table, {@code {version}} for the database's version as offered.
 */
public final class PinnedImages {

    /** The image of {@code engine} at {@code version} (as offered, e.g. {@code 16}): {@code repository:tag}. */
    public record Pin(Engine engine, String version, String repository, String tag) {

        public String image() {
            return repository + ":" + tag;
        }
    }

    private static final String CNPG = "ghcr.io/cloudnative-pg/postgresql";
    private static final String MARIADB = "docker.io/library/mariadb";
    private static final String OPSTREE = "quay.io/opstree/redis";
    private static final String PERCONA = "docker.io/percona/percona-server-mongodb";

    private static final List<Pin> TABLE = List.of(
            // CloudNativePG 1.30 (a95a534db, v1.30.0+86) supports PostgreSQL 14 to 18 (docs/src/supported_releases.md);
            // 18: pkg/versions/versions.go DefaultImageName; the others: .github/pg_versions.json, the newest tag of
            // each major its CI runs. Tags are <major>.<minor>-<type>-<os>: "system" is the image with the
            // operating system's libraries that the default image uses too.
            new Pin(Engine.POSTGRESQL, "18", CNPG, "18.6-system-trixie"),
            new Pin(Engine.POSTGRESQL, "17", CNPG, "17.11-system-trixie"),
            new Pin(Engine.POSTGRESQL, "16", CNPG, "16.15-system-trixie"),
            new Pin(Engine.POSTGRESQL, "15", CNPG, "15.19-system-trixie"),
            new Pin(Engine.POSTGRESQL, "14", CNPG, "14.24-system-trixie"),
            // mariadb-operator 26.6 supports official MariaDB images >= 10.6 (README.md "MariaDB compatibility"; the
            // docker-registry*.mariadb.com registries are deprecated, docs/docker.md). 11.8: the default image
            // (Makefile RELATED_IMAGE_MARIADB_VERSION, config.mariadbImage of the Helm chart); 11.4: the image of
            // config/manager/manager.yaml and docs/tls.md; 10.11: the tag docs/updates.md updates to.
            new Pin(Engine.MYSQL, "11.8", MARIADB, "11.8.8"),
            new Pin(Engine.MYSQL, "11.4", MARIADB, "11.4.5"),
            new Pin(Engine.MYSQL, "10.11", MARIADB, "10.11.8"),
            // OpsTree redis-operator 0.26: the standalone image of its Helm chart (charts/redis/values.yaml
            // redisStandalone.tag) and of config/samples/redis_v1beta2_redis.yaml.
            new Pin(Engine.REDIS, "7.0.15", OPSTREE, "v7.0.15"),
            // Percona Operator for MongoDB 1.22: e2e-tests/release_versions (IMAGE_MONGOD80/70/60), the images the
            // release is certified with.
            new Pin(Engine.MONGODB, "8.0", PERCONA, "8.0.19-7"),
            new Pin(Engine.MONGODB, "7.0", PERCONA, "7.0.30-16"),
            new Pin(Engine.MONGODB, "6.0", PERCONA, "6.0.27-21"));

    private PinnedImages() {
    }

    /** Every row of the table. */
    public static List<Pin> all() {
        return TABLE;
    }

    /** The pinned image of an engine version, if the table has one. */
    public static Optional<Pin> of(Engine engine, String version) {
        return TABLE.stream().filter(p -> p.engine() == engine && p.version().equals(version)).findFirst();
    }

    /** The repository of an engine's images (the same for all its versions). */
    public static String repository(Engine engine) {
        return TABLE.stream().filter(p -> p.engine() == engine).map(Pin::repository).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no image of " + engine.wireName() + " in Kubernetes mode"));
    }

    /** The versions of an engine the table has, as offered. */
    public static List<String> versions(Engine engine) {
        return TABLE.stream().filter(p -> p.engine() == engine).map(Pin::version).toList();
    }
}
