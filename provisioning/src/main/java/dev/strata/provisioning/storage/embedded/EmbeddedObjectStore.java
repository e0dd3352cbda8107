package dev.strata.provisioning.storage.embedded;

import dev.strata.domain.shared.UnprocessableException;
import dev.strata.domain.storage.BucketName;
import dev.strata.domain.storage.ObjectStoreBackend;
import dev.strata.domain.storage.StorageUsage;
import dev.strata.provisioning.config.Settings;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.storage.embedded.sealed.DataKeys;
import dev.strata.provisioning.storage.embedded.sealed.KmsKeys;
import dev.strata.provisioning.storage.embedded.sealed.SealAtRest;
import dev.strata.provisioning.storage.embedded.sealed.SealedFileSystem;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The default object store: s3proxy embedded in Strata, listening on {@code STRATA_S3_PORT} (default 9000) at
 * {@code STRATA_S3_BIND_ADDRESS} (default the database bind address, 127.0.0.1), storing files under
 * {@code STRATA_DATA_DIR/objects}. Strata's own bucket operations go through the AWS SDK like any client's, signed
 * with a per-project internal key that exists only in memory.
 */
@ApplicationScoped
public class EmbeddedObjectStore implements ObjectStoreBackend {

    private static final Logger LOG = Logger.getLogger(EmbeddedObjectStore.class.getName());

    @Inject
    StrataConfig config;

    @Inject
    SecretBox secrets;

    private SealedFileSystem sealed;
    private KmsKeys kms;

    private S3Proxy proxy;
    private ProjectKeyLocator locator;
    private BucketConfigs configs;
    private volatile String unavailable = "the S3 endpoint has not started yet";
    private final Map<String, S3Client> internal = new ConcurrentHashMap<>();

    /** Starts the endpoint, looking project keys up in {@code directory}; called once by {@link ObjectStoreStartup}. */
    /**
     * Removes the bucket directories no bucket record stands for: a create writes the bucket's directory last
     * before its commit, so a crash in between leaves one (empty, unknown to the API). Run before the endpoint
     * starts, so no request can be using one. A directory that holds anything is left where it is and reported:
     * nothing stored is removed by Strata on a guess.
     */
    synchronized void sweepUnrecorded(java.util.function.BiPredicate<String, BucketName> recorded) {
        Path projects = projectsRoot();
        if (!Files.isDirectory(projects)) {
            return;
        }
        try (java.util.stream.Stream<Path> projectDirs = Files.list(projects)) {
            for (Path projectDir : projectDirs.filter(Files::isDirectory).toList()) {
                try (java.util.stream.Stream<Path> bucketDirs = Files.list(projectDir)) {
                    for (Path bucketDir : bucketDirs.filter(Files::isDirectory).toList()) {
                        BucketName name;
                        try {
                            name = new BucketName(bucketDir.getFileName().toString());
                        } catch (RuntimeException notABucket) {
                            continue;
                        }
                        if (recorded.test(projectDir.getFileName().toString(), name)) {
                            continue;
                        }
                        try {
                            Files.delete(bucketDir); // only if empty
                            LOG.info(() -> "removed " + bucketDir + ": the create that made it did not commit");
                        } catch (java.nio.file.DirectoryNotEmptyException e) {
                            LOG.warning(() -> bucketDir + " has no bucket record but holds files; left in place");
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warning(() -> "cannot look for bucket directories without a record under " + projects + ": " + e.getMessage());
        }
    }

    /**
     * Where each project's buckets live: {@code <data>/objects/buckets/<project id>/<bucket>/<encoded key>}
     * (before 0.3: {@code objects/projects/<project id>/<bucket>/<key as a path>}, moved by
     * {@link EncodedKeyMigration}).
     */
    private Path projectsRoot() {
        return config.dataDir().resolve("objects").resolve("buckets");
    }

    /**
     * Before the endpoint serves: moves objects stored in the layout of earlier versions into the encoded-key one,
     * removes the temporary files of writes a crash cut short, and makes current again a version that a versioned
     * write or delete cut short had moved aside.
     */
    synchronized void migrateLayout() {
        try {
            new EncodedKeyMigration(config.dataDir().resolve("objects")).run();
            EncodedKeyBlobStore.sweepUnpublished(projectsRoot());
            dev.strata.provisioning.storage.embedded.nio2blob.VersioningFilesystemBlobStore.repair(projectsRoot());
            SealAtRest.run(projectsRoot(), sealedFileSystem());
        } catch (IOException | RuntimeException e) {
            unavailable = "cannot prepare the stored objects (encoded-key layout, encryption at rest): " + e.getMessage();
            throw new IllegalStateException(unavailable, e);
        }
    }

    /** The files of the projects' buckets, encrypted at rest under data keys sealed by the master key (or a client's). */
    private synchronized SealedFileSystem sealedFileSystem() {
        if (sealed == null) {
            kms = new KmsKeys(config.dataDir().resolve("objects").resolve("kms-keys"), secrets,
                    KmsKeys.parse(Settings.get("STRATA_KMS_KEYS").orElse(null)));
            sealed = new SealedFileSystem(new DataKeys(secrets, kms));
        }
        return sealed;
    }

    synchronized void start(KeyDirectory directory, BucketRegistry registry) {
        if (proxy != null) {
            return;
        }
        Path root = config.dataDir().resolve("objects");
        try {
            Files.createDirectories(root);
            // objects are readable through S3 with a key only, never by other accounts on this host
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            // unsigned requests reach a project's bucket only where its policy or ACL makes it public (AnonymousBuckets)
            Path anonymous = root.resolve("anonymous-empty");
            Files.createDirectories(anonymous);
            configs = new BucketConfigs(root.resolve("bucket-config"));
            locator = new ProjectKeyLocator(projectsRoot(), directory, registry, configs, sealedFileSystem());
            Path system = root.resolve("system");
            Files.createDirectories(system);
            locator.systemStore(new FilesystemNio2BlobStore(system.toString()));
            TlsIdentity tls = tlsIdentity();
            tls.ensure();
            proxy = S3Proxy.builder()
                    .blobStore(new AnonymousBuckets(new FilesystemNio2BlobStore(anonymous.toString()), locator, configs))
                    .endpoint(URI.create("http://" + bindAddress() + ":" + port()))
                    // the same store over TLS, for clients that speak S3 only over TLS (pgBackRest)
                    .secureEndpoint(URI.create("https://" + bindAddress() + ":" + tlsPort()))
                    .keyStore(tls.keyStore().toString(), tls.keyStorePassword())
                    // SigV4, and SigV2 for older clients (s3cmd, aws-cli v1 presigned URLs); this pair is never
                    // usable, the locator answers for every key
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "unused-" + UUID.randomUUID(), UUID.randomUUID().toString())
                    // current SDKs send x-amz-* headers s3proxy does not know (x-amz-mp-object-size)
                    .ignoreUnknownHeaders(true)
                    .stopTimeout(2_000)
                    .build();
            proxy.setBlobStoreLocator(locator);
            installFront(proxy, new S3Front(locator, configs, kms));
            proxy.start();
            unavailable = null;
            LOG.info(() -> "S3 endpoint listening on " + bindAddress() + ":" + port() + " (TLS: " + tlsPort() + "), files under " + root);
        } catch (Exception e) {
            proxy = null;
            unavailable = "the embedded S3 endpoint cannot start on " + bindAddress() + ":" + port() + " and " + tlsPort() + ": " + e.getMessage();
            throw new IllegalStateException(unavailable, e);
        }
    }

    /**
     * Puts {@link S3Front} before s3proxy's servlet, in s3proxy's own Jetty: s3proxy offers no hook for requests it
     * does not implement, so the filter is added to its servlet context (reached by reflection; pinned s3proxy
     * version, checked by the tests of CORS, policies and lifecycle).
     */
    static void installFront(S3Proxy proxy, S3Front front) throws ReflectiveOperationException {
        var field = S3Proxy.class.getDeclaredField("server");
        field.setAccessible(true);
        var server = (org.gaul.shaded.org.eclipse.jetty.server.Server) field.get(proxy);
        org.gaul.shaded.org.eclipse.jetty.server.Handler handler = server.getHandler();
        while (!(handler instanceof org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletContextHandler)) {
            if (!(handler instanceof org.gaul.shaded.org.eclipse.jetty.server.Handler.Wrapper wrapper)) {
                throw new IllegalStateException("s3proxy's Jetty has no servlet context where expected: " + handler);
            }
            handler = wrapper.getHandler();
        }
        ((org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletContextHandler) handler).addFilter(
                new org.gaul.shaded.org.eclipse.jetty.ee10.servlet.FilterHolder(front), "/*",
                java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
    }

    /**
     * Applies the buckets' lifecycle rules once: expires current objects (a delete marker where the bucket keeps
     * versions), noncurrent versions and delete markers left alone, aborts unfinished multipart uploads; through
     * the S3 endpoint with the project's internal key, like any client. Called on a timer
     * ({@code STRATA_LIFECYCLE_INTERVAL_SECONDS}, default 60); a day lasts {@code STRATA_LIFECYCLE_DAY_SECONDS}
     * (default 86400; tests shorten it, as Ceph's rgw_lc_debug_interval does). Returns what it removed.
     */
    public synchronized int applyLifecycle() {
        if (proxy == null || configs == null) {
            return 0;
        }
        java.time.Duration day = java.time.Duration.ofSeconds(Settings.get("STRATA_LIFECYCLE_DAY_SECONDS").map(Long::parseLong).orElse(86_400L));
        int removed = 0;
        for (String[] pb : configs.bucketsWith(BucketConfigs.LIFECYCLE)) {
            String project = pb[0];
            String bucket = pb[1];
            try {
                if (!locator.hasBucket(project, bucket)) {
                    configs.forgetBucket(project, bucket);
                    continue;
                }
                LifecycleRules rules = LifecycleRules.parse(configs.read(project, bucket, BucketConfigs.LIFECYCLE).orElseThrow());
                removed += new LifecycleRun(client(project), bucket, rules, day, java.time.Instant.now()).apply();
            } catch (RuntimeException e) {
                LOG.warning(() -> "lifecycle of bucket " + bucket + " (" + project + ") failed this time: " + e);
            }
        }
        return removed;
    }

    /** How often {@link #applyLifecycle} runs. */
    public long lifecycleIntervalSeconds() {
        return Settings.get("STRATA_LIFECYCLE_INTERVAL_SECONDS").map(Long::parseLong).orElse(60L);
    }

    @PreDestroy
    synchronized void stop() {
        internal.values().forEach(S3Client::close);
        internal.clear();
        if (proxy != null) {
            try {
                proxy.stop();
            } catch (Exception e) {
                LOG.warning("stopping the S3 endpoint: " + e.getMessage());
            }
            proxy = null;
        }
    }

    @Override
    public String endpoint() {
        String host = config.publicHost();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** Strata's own requests stay on the loopback address, like its internal clients'. */
    @Override
    public String internalEndpoint() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public String region() {
        return Settings.get("STRATA_S3_REGION").orElse("us-east-1");
    }

    /** Nothing to do: the endpoint looks every project key up in the metadata at each request. */
    @Override
    public void grant(String projectId, String accessKeyId, String secret) {
        requireRunning();
    }

    /** Nothing to do: a key revoked in the metadata is refused from the commit on. */
    @Override
    public void revoke(String accessKeyId) {
        // see grant
    }

    /** Why the endpoint is not serving, or null when it is. */
    public String unavailableReason() {
        return unavailable;
    }

    /** Object storage is optional at run time: without the endpoint, storage calls fail with a clear 422. */
    private void requireRunning() {
        String reason = unavailable;
        if (reason != null) {
            throw new UnprocessableException("object storage is not available: " + reason);
        }
    }

    @Override
    public void ensureBucket(String projectId, BucketName name) {
        requireRunning();
        S3Client s3 = client(projectId);
        try {
            s3.headBucket(b -> b.bucket(name.value()));
        } catch (NoSuchBucketException e) {
            try {
                s3.createBucket(b -> b.bucket(name.value()));
            } catch (BucketAlreadyOwnedByYouException ignored) {
                // created meanwhile: fine
            }
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(name.value()));
        }
    }

    @Override
    public void dropBucket(String projectId, BucketName name) {
        requireRunning();
        S3Client s3 = client(projectId);
        try {
            s3.headBucket(b -> b.bucket(name.value()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return;
            }
            throw e;
        }
        s3.listMultipartUploads(b -> b.bucket(name.value())).uploads()
                .forEach(u -> s3.abortMultipartUpload(b -> b.bucket(name.value()).key(u.key()).uploadId(u.uploadId())));
        // every version and delete marker (a bucket that never had versioning lists its objects as version "null")
        // (always the first page again: what was listed is gone, so no marker is needed nor can go stale)
        while (true) {
            var page = s3.listObjectVersions(b -> b.bucket(name.value()).maxKeys(1000));
            List<ObjectIdentifier> ids = new java.util.ArrayList<>();
            page.versions().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
            page.deleteMarkers().forEach(m -> ids.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
            if (ids.isEmpty()) {
                break;
            }
            // the owner deleting the bucket through Strata overrides GOVERNANCE retention; COMPLIANCE retention and
            // legal holds stop it (the deletion is retried until they end)
            var result = s3.deleteObjects(b -> b.bucket(name.value()).bypassGovernanceRetention(true)
                    .delete(Delete.builder().objects(ids).quiet(true).build()));
            if (!result.errors().isEmpty()) {
                throw new IllegalStateException("emptying bucket " + name.value() + ": " + result.errors().get(0).code() + " "
                        + result.errors().get(0).message() + " (" + result.errors().size() + " objects not deleted)");
            }
        }
        s3.deleteBucket(b -> b.bucket(name.value()));
        configs.forgetBucket(projectId, name.value());
    }

    @Override
    public StorageUsage usage(String projectId, BucketName name) {
        return DiskUsage.ofBucket(locator == null ? projectsRoot().resolve(projectId).resolve(name.value())
                : locator.projectDir(projectId).resolve(name.value()));
    }

    @Override
    public void dropProject(String projectId) {
        requireRunning();
        S3Client s3 = internal.remove(projectId);
        if (s3 != null) {
            s3.close();
        }
        Path dir = locator.projectDir(projectId);
        locator.forgetProject(projectId);
        try {
            deleteTree(dir);
            configs.forgetProject(dir.getFileName().toString());
            // unfinished uploads kept by the layout migration, if any
            deleteTree(config.dataDir().resolve("objects").resolve("pre-encoding").resolve(dir.getFileName().toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    /** An SDK client of the project with an internal key that exists only in this process. */
    private S3Client client(String projectId) {
        return internal.computeIfAbsent(projectId, id -> {
            String accessKey = "STRATA-INTERNAL-" + UUID.randomUUID();
            String secret = SecretBox.randomPassword(40);
            locator.putInternalKey(accessKey, secret, id);
            return S3Client.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + port()))
                    .forcePathStyle(true)
                    .region(Region.of(region()))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                    .build();
        });
    }

    private int port() {
        return Integer.parseInt(Settings.get("STRATA_S3_PORT").orElse("9000"));
    }

    /** {@code STRATA_S3_TLS_PORT}: the same endpoint over TLS; default the S3 port + 443 (9443). */
    public int tlsPort() {
        return Settings.get("STRATA_S3_TLS_PORT").map(Integer::parseInt).orElse(port() + 443);
    }

    /** The TLS endpoint's self-signed certificate (made at the first start). */
    public TlsIdentity tlsIdentity() {
        return new TlsIdentity(config.dataDir());
    }

    /**
     * Lets {@code accessKeyId} (a key of Strata's own, e.g. the backup repository's) reach the system store
     * ({@code <data>/objects/system}), which no project key reaches. Its buckets are invisible to projects.
     */
    public void grantSystemKey(String accessKeyId, String secret) {
        requireRunning();
        locator.putSystemKey(accessKeyId, secret);
    }

    private String bindAddress() {
        return Settings.get("STRATA_S3_BIND_ADDRESS").orElse(config.bindAddress());
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
