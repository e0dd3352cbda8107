package dev.strata.provisioning.storage.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.BlobStoreLocator;
import org.gaul.s3proxy.blobstore.BlobStore;
import dev.strata.provisioning.storage.embedded.nio2blob.VersioningFilesystemBlobStore;
import dev.strata.provisioning.storage.embedded.sealed.SealedFileSystem;

/**
 * Resolves the access key of every S3 request to its secret (s3proxy then checks the SigV4 signature with it) and to
 * the store of the key's project, a directory of its own where keys are encoded into file names
 * ({@link EncodedKeyBlobStore}). Project keys are looked up in the metadata at every
 * request ({@link KeyDirectory}), so a key works exactly while the metadata says it may: a revocation or a project
 * deletion counts from its commit, and a key whose creation was rolled back never worked. Unknown or revoked keys
 * resolve to nothing, which s3proxy answers with 403 InvalidAccessKeyId; anonymous requests never reach a project.
 * Strata's own per-project keys (for emptying and dropping buckets) exist only in this process's memory.
 */
final class ProjectKeyLocator implements BlobStoreLocator {

    private static final Pattern PROJECT_ID = Pattern.compile("[a-z0-9][a-z0-9_]{0,62}");


    private final Path baseDir;
    private final KeyDirectory directory;
    private final Map<String, KeyDirectory.Entry> internalKeys = new ConcurrentHashMap<>();
    private final Map<String, BlobStore> stores = new ConcurrentHashMap<>();
    private final Map<String, BlobStore> internalStores = new ConcurrentHashMap<>();
    /** One filesystem store per project under both: its lock orders the versions of a key. */
    private final Map<String, BlobStore> files = new ConcurrentHashMap<>();
    private final BucketRegistry registry;
    private final Map<String, String> systemKeys = new ConcurrentHashMap<>();
    private volatile BlobStore system;

    private final BucketConfigs configs;
    /** Where the projects' files are encrypted at rest; null only in tests of what lies above the files. */
    private final SealedFileSystem sealed;

    ProjectKeyLocator(Path baseDir, KeyDirectory directory, BucketRegistry registry, BucketConfigs configs, SealedFileSystem sealed) {
        this.sealed = sealed;
        this.directory = directory;
        this.registry = registry;
        this.configs = configs;
        this.baseDir = baseDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key of Strata's own for the project, valid until the project is forgotten. */
    void putInternalKey(String accessKeyId, String secret, String projectId) {
        internalStoreFor(projectId);
        internalKeys.put(accessKeyId, new KeyDirectory.Entry(secret, projectId));
    }

    /** The store of Strata's own buckets (backups), reached only with a system key. */
    void systemStore(BlobStore store) {
        this.system = store;
    }

    void putSystemKey(String accessKeyId, String secret) {
        systemKeys.put(accessKeyId, secret);
    }

    void forgetProject(String projectId) {
        internalKeys.values().removeIf(e -> e.projectId().equals(projectId));
        stores.remove(projectId);
        internalStores.remove(projectId);
        files.remove(projectId);
    }

    Path projectDir(String projectId) {
        Path dir = baseDir.resolve(requireValid(projectId)).normalize();
        if (!dir.getParent().equals(baseDir)) {
            throw new IllegalArgumentException("not a project id: " + projectId);
        }
        return dir;
    }

    /** The secret and project of a project key (or of Strata's own per-project keys); null otherwise. */
    KeyDirectory.Entry entry(String accessKeyId) {
        if (accessKeyId == null) {
            return null;
        }
        KeyDirectory.Entry internal = internalKeys.get(accessKeyId);
        return internal != null ? internal : directory.usable(accessKeyId).orElse(null);
    }

    /**
     * The project of the bucket named {@code bucket}, for requests that name no key (anonymous reads, CORS
     * preflights): bucket names are unique within a project only, so a name two projects use belongs to neither.
     */
    java.util.Optional<String> projectOfBucket(String bucket) {
        if (bucket == null || bucket.isEmpty() || bucket.contains("/") || bucket.startsWith(".")) {
            return java.util.Optional.empty();
        }
        try (var projects = Files.list(baseDir)) {
            List<String> owners = projects.filter(p -> Files.isDirectory(p.resolve(bucket)))
                    .map(p -> p.getFileName().toString()).limit(2).toList();
            return owners.size() == 1 ? java.util.Optional.of(owners.get(0)) : java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean hasBucket(String projectId, String bucket) {
        return !bucket.contains("/") && !bucket.startsWith(".") && Files.isDirectory(projectDir(projectId).resolve(bucket));
    }

    /** The project's store as its keys reach it (quota, bucket records). */
    BlobStore projectStore(String projectId) {
        return storeFor(projectId);
    }

    /** The project's store as Strata itself uses it (no quota, no bucket records). */
    BlobStore internalStore(String projectId) {
        return internalStoreFor(projectId);
    }

    @Override
    public AccessGrant locateBlobStore(String identity, String container, String blob) {
        if (identity == null) {
            return null;
        }
        String systemSecret = systemKeys.get(identity);
        if (systemSecret != null && system != null) {
            return new AccessGrant(systemSecret, system);
        }
        KeyDirectory.Entry internal = internalKeys.get(identity);
        if (internal != null) {
            return new AccessGrant(internal.secret(), internalStoreFor(internal.projectId()));
        }
        KeyDirectory.Entry e = directory.usable(identity).orElse(null);
        return e == null ? null : new AccessGrant(e.secret(), storeFor(e.projectId()));
    }

    /** The store project keys reach: buckets they create or delete through S3 are recorded as the project's. */
    private BlobStore storeFor(String projectId) {
        return stores.computeIfAbsent(projectId, id -> {
            Path dir = createdProjectDir(id);
            return new EncodedKeyBlobStore(dir, filesOf(id, dir), id, registry, new QuotaGate(dir, () -> registry.quota(id)), configs);
        });
    }

    /** The same buckets for Strata's own requests (made on behalf of an API call that records them itself). */
    private BlobStore internalStoreFor(String projectId) {
        return internalStores.computeIfAbsent(projectId, id -> {
            Path dir = createdProjectDir(id);
            return new EncodedKeyBlobStore(dir, filesOf(id, dir), id, null, null, configs);
        });
    }

    private BlobStore filesOf(String projectId, Path dir) {
        return files.computeIfAbsent(projectId, id -> new VersioningFilesystemBlobStore(sealed == null ? dir : sealed.wrap(dir)));
    }

    private Path createdProjectDir(String projectId) {
        Path dir = projectDir(projectId);
        try {
            Files.createDirectories(dir);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return dir;
    }

    private static String requireValid(String projectId) {
        if (projectId == null || !PROJECT_ID.matcher(projectId).matches()) {
            throw new IllegalArgumentException("not a project id: " + projectId);
        }
        return projectId;
    }
}
