package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonObject;
import dev.strata.domain.backup.BackupRepositoryAccess;
import dev.strata.provisioning.config.StrataConfig.BackupObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where the operators' backups go in Kubernetes mode: the S3-compatible object store of
 * {@code STRATA_K8S_BACKUP_S3_*}, each database under {@code databases/<database id>/} of the bucket (the same
 * layout as the embedded repository of local mode). The operators read its credentials from Secret
 * {@value #SECRET}, which Strata writes into every namespace that holds a database with backups; it is shared by
 * the databases of the namespace, so it stays when one of them is deleted.
 */
final class OperatorBackupStore {

    /** The Secret with the object store's credentials, in each database namespace. */
    static final String SECRET = "strata-backup-s3";
    /** Its keys: the names PSMDB requires ({@code credentialsSecret}); the other operators take any key. */
    static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    static final String REGION = "AWS_REGION";
    /** Label of everything Strata writes for one backup (the operators' backup resources), for finding it again. */
    static final String BACKUP_ID_LABEL = "strata.dev/backup-id";
    static final String ROLE_LABEL = "strata.dev/role";

    private final KubernetesCluster cluster;

    OperatorBackupStore(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    /** Null when backups can be taken, else which settings are missing. */
    String unavailable() {
        return cluster.config().kubernetesBackupStoreMissing();
    }

    /** The store; an {@link IllegalStateException} naming the missing settings when it is not configured. */
    BackupObjectStore require() {
        return cluster.config().kubernetesBackupStore().orElseThrow(() -> new IllegalStateException(unavailable()));
    }

    Optional<BackupObjectStore> configured() {
        return cluster.config().kubernetesBackupStore();
    }

    /** The folder of one database in the bucket, {@code databases/<id>}. */
    static String folder(String databaseId) {
        return BackupRepositoryAccess.databaseFolder(databaseId);
    }

    /** {@code s3://<bucket>/databases/<id>}: the operators' notation of a database's folder. */
    String url(BackupObjectStore store, String databaseId) {
        return "s3://" + store.bucket() + "/" + folder(databaseId);
    }

    /** Writes the credentials Secret into {@code namespace} (or brings its values up to date). */
    void ensureSecret(String namespace) {
        BackupObjectStore store = require();
        Map<String, String> data = new LinkedHashMap<>();
        data.put(ACCESS_KEY_ID, store.accessKeyId());
        data.put(SECRET_ACCESS_KEY, store.secretAccessKey());
        data.put(REGION, store.region());
        cluster.api().ensureNamespace(namespace);
        cluster.api().putSecret(namespace, SECRET, data, Map.of(ROLE_LABEL, "backup-store"));
    }

    /** The endpoint without its scheme ({@code host[:port]}), as mariadb-operator and PSMDB want it. */
    static String hostAndPort(BackupObjectStore store) {
        String e = store.endpoint();
        int scheme = e.indexOf("://");
        String rest = scheme < 0 ? e : e.substring(scheme + 3);
        return rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
    }

    /** Whether the endpoint is reached with TLS: {@code https://} or no scheme (as AWS's own endpoints are). */
    static boolean tls(BackupObjectStore store) {
        return !store.endpoint().startsWith("http://");
    }

    /** A reference to one key of the credentials Secret, as the operators' CRDs spell it ({@code name}, {@code key}). */
    static JsonObject secretKey(String key) {
        return Json.obj("name", SECRET, "key", key);
    }

    /** Labels of an operator resource of one backup: the database's, and the backup's id. */
    Map<String, String> backupLabels(Map<String, String> databaseLabels, String backupId) {
        Map<String, String> labels = new LinkedHashMap<>(databaseLabels);
        labels.put(BACKUP_ID_LABEL, backupId);
        return labels;
    }

    /** Deletes the operator's resources of kind {@code kind} labelled with {@code backupId}, in any namespace. */
    void deleteLabelled(ResourceKind kind, String backupId) {
        for (JsonObject r : cluster.api().listEverywhere(kind, BACKUP_ID_LABEL + "=" + backupId)) {
            cluster.api().delete(kind, Json.string(r, "metadata", "namespace").orElse(null),
                    Json.string(r, "metadata", "name").orElseThrow());
        }
    }

    /**
     * Reads {@code read} until {@code outcome} answers non-null (it is then returned) or the backup timeout
     * ({@code STRATA_K8S_BACKUP_TIMEOUT_MINUTES}) has passed; {@code state} says where it is for the timeout's
     * message. Polls a hundredth of the timeout apart, at most every 2 s: the operators are not watched.
     */
    <T> T await(String what, Supplier<Optional<JsonObject>> read, Function<JsonObject, T> outcome, Function<JsonObject, String> state) {
        Duration timeout = cluster.config().kubernetesBackupTimeout();
        long pause = Math.max(50, Math.min(2_000, timeout.toMillis() / 100));
        Instant deadline = Instant.now().plus(timeout);
        String last = "not found";
        while (true) {
            Optional<JsonObject> r = read.get();
            if (r.isEmpty()) {
                throw new IllegalStateException(what + " was deleted before it finished");
            }
            T done = outcome.apply(r.get());
            if (done != null) {
                return done;
            }
            last = state.apply(r.get());
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(what + " did not finish within " + (timeout.toSeconds() % 60 == 0
                        ? timeout.toMinutes() + " min" : timeout.toSeconds() + " s")
                        + " (STRATA_K8S_BACKUP_TIMEOUT_MINUTES); it is still " + last + ". Its operator may still finish it; Strata no longer waits for it");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(what + ": interrupted while waiting for it (still " + last + ")");
            }
        }
    }
}
