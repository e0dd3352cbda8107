package dev.strata.provisioning.backup;

import dev.strata.domain.backup.BackupRepositoryAccess;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.provisioning.config.Settings;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.storage.embedded.EmbeddedObjectStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The backup repository: one bucket, by default {@code strata-backups} in the embedded object store's system
 * store (no project key reaches it), over the endpoint's TLS port with its own certificate as the trust anchor.
 * With {@code STRATA_BACKUP_S3_ENDPOINT} (and {@code _BUCKET}, {@code _ACCESS_KEY}, {@code _SECRET_KEY},
 * {@code _REGION}, optionally {@code _CA_FILE} for a private CA) any S3 is used instead. The embedded repository's
 * access key is made once and kept sealed by the master key in {@code <data>/backup-repository.key}.
 */
@ApplicationScoped
public class BackupStorage implements BackupRepositoryAccess {

    private static final Logger LOG = Logger.getLogger(BackupStorage.class.getName());
    static final String EMBEDDED_BUCKET = "strata-backups";
    private static final int PART_BYTES = 16 * 1024 * 1024;

    @Inject
    StrataConfig config;

    @Inject
    SecretBox secrets;

    @Inject
    EmbeddedObjectStore embedded;

    private volatile S3Settings settings;
    private volatile S3Client client;

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }

    /** Whether the repository is an external S3 ({@code STRATA_BACKUP_S3_ENDPOINT}). */
    public boolean external() {
        return Settings.get("STRATA_BACKUP_S3_ENDPOINT").isPresent();
    }

    @Override
    public S3Settings s3() {
        S3Settings s = settings;
        if (s == null) {
            synchronized (this) {
                if (settings == null) {
                    settings = external() ? externalSettings() : embeddedSettings();
                    try {
                        client(); // the bucket exists before any tool is pointed at it
                    } catch (RuntimeException e) {
                        settings = null;
                        throw new IllegalStateException("the backup repository " + (external() ? "(STRATA_BACKUP_S3_ENDPOINT)" : "(embedded)")
                                + " cannot be reached: " + e.getMessage(), e);
                    }
                }
                s = settings;
            }
        }
        return s;
    }

    /**
     * Lets the embedded repository's key in as soon as the embedded S3 endpoint runs. The running PostgreSQL servers
     * archive their WAL with it (their {@code archive_command} reads it from their pgBackRest configuration) from the
     * moment Strata starts, not only once Strata itself next needs the repository: until the key is granted, every
     * archive push is refused (403 InvalidAccessKeyId) and a point-in-time restore cannot reach the present.
     */
    public void grantRepositoryAccess() {
        if (!external() && embedded.unavailableReason() == null) {
            s3();
        }
    }

    /** Where backups go, for the README's and the dashboard's "where is my data" (no secrets). */
    public String describe() {
        S3Settings s = s3();
        return (s.tls() ? "https://" : "http://") + s.host() + ":" + s.port() + "/" + s.bucket() + (external() ? "" : " (embedded)");
    }

    private S3Settings externalSettings() {
        URI endpoint;
        try {
            endpoint = URI.create(Settings.get("STRATA_BACKUP_S3_ENDPOINT").orElseThrow());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("STRATA_BACKUP_S3_ENDPOINT is not a URL: " + e.getMessage());
        }
        if (endpoint.getHost() == null || !("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme()))) {
            throw new IllegalStateException("STRATA_BACKUP_S3_ENDPOINT must be an http(s)://host[:port] URL");
        }
        boolean tls = "https".equals(endpoint.getScheme());
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
        String bucket = required("STRATA_BACKUP_S3_BUCKET");
        return new S3Settings(endpoint.getHost(), port, tls, Settings.get("STRATA_BACKUP_S3_CA_FILE").orElse(null), bucket,
                Settings.get("STRATA_BACKUP_S3_REGION").orElse("us-east-1"), required("STRATA_BACKUP_S3_ACCESS_KEY"),
                required("STRATA_BACKUP_S3_SECRET_KEY"), true);
    }

    private static String required(String name) {
        return Settings.get(name).orElseThrow(() -> new IllegalStateException(name + " must be set with STRATA_BACKUP_S3_ENDPOINT"));
    }

    private S3Settings embeddedSettings() {
        String reason = embedded.unavailableReason();
        if (reason != null) {
            throw new UnprocessableException("the backup repository (embedded object store) is not available: " + reason);
        }
        String[] key = embeddedKey();
        embedded.grantSystemKey(key[0], key[1]);
        return new S3Settings("localhost", embedded.tlsPort(), true, embedded.tlsIdentity().certificate().toString(), EMBEDDED_BUCKET,
                embedded.region(), key[0], key[1], true);
    }

    /** The embedded repository's access key and secret: made once, the secret sealed by the master key at rest. */
    private String[] embeddedKey() {
        Path file = config.dataDir().resolve("backup-repository.key");
        try {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                return new String[] {lines.get(0).trim(), secrets.open(lines.get(1).trim())};
            }
            String access = "STRATA-BACKUP-" + SecretBox.randomPassword(16);
            String secret = SecretBox.randomPassword(40);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, access + "\n" + secrets.seal(secret) + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return new String[] {access, secret};
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read or create the backup repository key " + file + ": " + e.getMessage(), e);
        }
    }

    /** The SDK client, and the bucket created if missing (first use). */
    S3Client client() {
        S3Client c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    S3Settings s = s3();
                    UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder();
                    if (s.caFile() != null) {
                        TrustManager[] trust = trustManagers(Path.of(s.caFile()));
                        http.tlsTrustManagersProvider(() -> trust);
                    }
                    S3Client made = S3Client.builder()
                            .endpointOverride(URI.create((s.tls() ? "https://" : "http://") + s.host() + ":" + s.port()))
                            .forcePathStyle(true)
                            .region(Region.of(s.region()))
                            .httpClientBuilder(http)
                            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey())))
                            .build();
                    try {
                        made.headBucket(b -> b.bucket(s.bucket()));
                    } catch (S3Exception e) {
                        if (e.statusCode() != 404) {
                            made.close();
                            throw e;
                        }
                        made.createBucket(b -> b.bucket(s.bucket()));
                        LOG.info(() -> "created the backup bucket " + describe());
                    }
                    client = made;
                }
                c = client;
            }
        }
        return c;
    }

    private static TrustManager[] trustManagers(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the backup repository's CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Upload upload(String key) {
        return new MultipartUpload(client(), s3().bucket(), key, PART_BYTES);
    }

    @Override
    public InputStream download(String key) {
        try {
            return client().getObject(b -> b.bucket(s3().bucket()).key(key));
        } catch (NoSuchKeyException e) {
            throw new IllegalStateException("the backup repository has no object " + key);
        }
    }

    @Override
    public long size(String key) {
        try {
            return client().headObject(b -> b.bucket(s3().bucket()).key(key)).contentLength();
        } catch (NoSuchKeyException e) {
            return -1;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return -1;
            }
            throw e;
        }
    }

    @Override
    public long sizeOf(String prefix) {
        long total = 0;
        for (S3Object o : list(prefix)) {
            total += o.size();
        }
        return total;
    }

    @Override
    public List<String> keys(String prefix) {
        return list(prefix).stream().map(S3Object::key).sorted().toList();
    }

    @Override
    public long deleteAll(String prefix) {
        long total = 0;
        List<S3Object> all = list(prefix);
        for (int i = 0; i < all.size(); i += 1000) {
            List<ObjectIdentifier> ids = new ArrayList<>();
            for (S3Object o : all.subList(i, Math.min(all.size(), i + 1000))) {
                ids.add(ObjectIdentifier.builder().key(o.key()).build());
                total += o.size();
            }
            client().deleteObjects(b -> b.bucket(s3().bucket()).delete(Delete.builder().objects(ids).quiet(true).build()));
        }
        return total;
    }

    private List<S3Object> list(String prefix) {
        List<S3Object> out = new ArrayList<>();
        ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(s3().bucket()).prefix(prefix).maxKeys(1000);
        ListObjectsV2Response page;
        do {
            page = client().listObjectsV2(req.build());
            out.addAll(page.contents());
            req.continuationToken(page.nextContinuationToken());
        } while (Boolean.TRUE.equals(page.isTruncated()));
        return out;
    }

    /** An upload in parts of {@code partBytes}: one PUT when it fits in one part, a multipart upload otherwise (aborted on failure). */
    static final class MultipartUpload extends Upload {
        private final S3Client s3;
        private final String bucket;
        private final String key;
        private final byte[] buffer;
        private int filled;
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();
        private boolean closed;

        MultipartUpload(S3Client s3, String bucket, String key, int partBytes) {
            this.s3 = s3;
            this.bucket = bucket;
            this.key = key;
            this.buffer = new byte[partBytes];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == buffer.length) {
                    flushPart();
                }
            }
        }

        private void flushPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
                }
                int number = parts.size() + 1;
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, filled), filled)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                filled = 0;
            } catch (RuntimeException e) {
                abort();
                throw new IOException("uploading " + key + " to the backup repository failed: " + e.getMessage(), e);
            }
        }

        /** Drops what was uploaded so far (a failed backup leaves no partial object). */
        @Override
        public void abort() {
            if (uploadId != null) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                } catch (RuntimeException ignored) {
                    // the bucket's lifecycle or the next deletion of the folder cleans it
                }
                uploadId = null;
            }
            closed = true;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (uploadId == null) {
                    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, filled), filled));
                    return;
                }
                if (filled > 0) {
                    closed = false;
                    flushPart();
                    closed = true;
                }
                s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            } catch (RuntimeException e) {
                abort();
                throw new IOException("uploading " + key + " to the backup repository failed: " + e.getMessage(), e);
            }
        }
    }
}
