package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The embedded S3 endpoint keeps S3's promise that a key is just a string, through the deployed EAR with the AWS
 * SDK v2 and a project's own key: keys a path-mapped store conflated, listing with any delimiter, SigV2 presigned
 * URLs, buckets created and deleted through S3 showing in the API, and a PUT cut by SIGKILL of the server (whole
 * or absent, the acknowledged objects intact, objects of the earlier on-disk layout moved at the restart).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ObjectStoreIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private static final String BUCKETS = "/api/v1/storage/buckets";
    private static final String RUN = randomSuffix();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Api api = Api.withBootstrapKey();

    @Test
    void everyKeyIsItsOwnObjectWhateverItsSlashesAndDots() {
        String project = createProject("Keys");
        try {
            String bucket = "it-keys-" + RUN;
            createBucket(project, bucket);
            try (S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, project))) {
                List<String> keys = List.of("a", "a/b", "b/c", "b", "folder/", "folder", "x/y", "x//y", "x/./y", "x/../y",
                        "/", "trailing/", "100%", "plus+and space", "ünï/кл", "-dash-");
                for (String key : keys) {
                    s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("body of " + key));
                }
                for (String key : keys) {
                    assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String()).as(key).isEqualTo("body of " + key);
                }
                List<String> listed = new ArrayList<>();
                s3.listObjectsV2Paginator(r -> r.bucket(bucket).maxKeys(5)).contents().forEach(o -> listed.add(o.key()));
                assertThat(listed).containsExactlyInAnyOrderElementsOf(keys).doesNotHaveDuplicates();
                assertThat(listed).isSortedAccordingTo((p, q) -> Arrays.compareUnsigned(p.getBytes(StandardCharsets.UTF_8), q.getBytes(StandardCharsets.UTF_8)));

                // a delimiter other than "/": the keys up to and including its first "/" after the prefix "x" group
                var byDash = s3.listObjectsV2(r -> r.bucket(bucket).delimiter("-"));
                assertThat(byDash.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("-");
                var byY = s3.listObjectsV2(r -> r.bucket(bucket).prefix("x").delimiter("y"));
                assertThat(byY.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("x/../y", "x/./y", "x//y", "x/y");
                assertThat(byY.contents()).isEmpty();

                // tags belong to the object they were given with, whatever its key
                s3.putObject(r -> r.bucket(bucket).key("x//y").tagging("owner=ann&kind=test"), RequestBody.fromString("tagged"));
                assertThat(s3.getObjectTagging(r -> r.bucket(bucket).key("x//y")).tagSet()).extracting(t -> t.key() + "=" + t.value())
                        .containsExactly("kind=test", "owner=ann");
                assertThat(s3.getObjectTagging(r -> r.bucket(bucket).key("x/y")).tagSet()).isEmpty();

                // a multipart object's parts by number
                String upload = s3.createMultipartUpload(r -> r.bucket(bucket).key("x//y/parts")).uploadId();
                byte[] five = new byte[5 << 20];
                String p1 = s3.uploadPart(r -> r.bucket(bucket).key("x//y/parts").uploadId(upload).partNumber(1), RequestBody.fromBytes(five)).eTag();
                String p2 = s3.uploadPart(r -> r.bucket(bucket).key("x//y/parts").uploadId(upload).partNumber(2), RequestBody.fromString("tail")).eTag();
                s3.completeMultipartUpload(r -> r.bucket(bucket).key("x//y/parts").uploadId(upload).multipartUpload(m -> m.parts(
                        software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(p1).build(),
                        software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(2).eTag(p2).build())));
                var part2 = s3.getObjectAsBytes(r -> r.bucket(bucket).key("x//y/parts").partNumber(2));
                assertThat(part2.asUtf8String()).isEqualTo("tail");
                assertThat(part2.response().partsCount()).isEqualTo(2);
                s3.deleteObject(r -> r.bucket(bucket).key("x//y/parts"));

                s3.deleteObject(r -> r.bucket(bucket).key("a"));
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("a/b")).asUtf8String()).isEqualTo("body of a/b");
                assertThat(status(catchThrowable(() -> s3.headObject(r -> r.bucket(bucket).key("a"))))).isEqualTo(404);
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void sigV2PresignedUrlsOfOlderClientsWorkAndATamperedOneIsRefused() throws Exception {
        String project = createProject("SigV2");
        try {
            String bucket = "it-sigv2-" + RUN;
            createBucket(project, bucket);
            StorageIT.StorageEnv env = StorageIT.storageEnv(api, project);
            try (S3Client s3 = StorageIT.s3(env)) {
                s3.putObject(r -> r.bucket(bucket).key("reports/v2.txt"), RequestBody.fromString("signed the old way"));
            }
            long expires = System.currentTimeMillis() / 1000 + 300;
            String resource = "/" + bucket + "/reports/v2.txt";
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(env.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String signature = Base64.getEncoder().encodeToString(
                    mac.doFinal(("GET\n\n\n" + expires + "\n" + resource).getBytes(StandardCharsets.UTF_8)));
            String url = env.endpoint() + resource + "?AWSAccessKeyId=" + env.key() + "&Expires=" + expires
                    + "&Signature=" + URLEncoder.encode(signature, StandardCharsets.UTF_8);
            HttpResponse<String> ok = get(url);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("signed the old way");

            String other = Base64.getEncoder().encodeToString(
                    mac.doFinal(("GET\n\n\n" + (expires + 1) + "\n" + resource).getBytes(StandardCharsets.UTF_8)));
            HttpResponse<String> tampered = get(url.replace("Signature=" + URLEncoder.encode(signature, StandardCharsets.UTF_8),
                    "Signature=" + URLEncoder.encode(other, StandardCharsets.UTF_8)));
            assertThat(tampered.statusCode()).isEqualTo(403);
            assertThat(tampered.body()).doesNotContain("signed the old way");
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void bucketsCreatedAndDeletedThroughS3AreTheProjectsBuckets() {
        String project = createProject("S3 made buckets");
        try {
            createBucket(project, "it-first-" + RUN); // mints the project's key
            String made = "it-made-by-s3-" + RUN;
            try (S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, project))) {
                s3.createBucket(r -> r.bucket(made));
                assertThat(bucketNames(project)).contains(made);
                JsonNode row = bucketsOf(project).stream().filter(b -> b.path("name").asText().equals(made)).findFirst().orElseThrow();
                assertThat(row.path("id").asText()).startsWith("bkt_");
                assertThat(api.get(BUCKETS + "/" + row.path("id").asText()).status()).isEqualTo(200);

                S3Exception bad = (S3Exception) catchThrowable(() -> s3.createBucket(r -> r.bucket("it.dots." + RUN)));
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.awsErrorDetails().errorCode()).isEqualTo("InvalidBucketName");
                assertThat(bucketNames(project)).doesNotContain("it.dots." + RUN);
                assertThat(s3.listBuckets().buckets()).extracting(Bucket::name).doesNotContain("it.dots." + RUN);

                // MaxBuckets pages the listing: two pages of one, then no token, together the whole listing in order
                var first = s3.listBuckets(r -> r.maxBuckets(1));
                assertThat(first.buckets()).hasSize(1);
                assertThat(first.continuationToken()).isNotNull();
                var second = s3.listBuckets(r -> r.maxBuckets(1).continuationToken(first.continuationToken()));
                assertThat(second.buckets()).hasSize(1);
                assertThat(second.continuationToken()).isNull();
                assertThat(java.util.stream.Stream.concat(first.buckets().stream(), second.buckets().stream()).map(Bucket::name))
                        .containsExactly("it-first-" + RUN, made)
                        .containsExactlyElementsOf(s3.listBuckets().buckets().stream().map(Bucket::name).toList());

                s3.putObject(r -> r.bucket(made).key("k"), RequestBody.fromString("v"));
                S3Exception notEmpty = (S3Exception) catchThrowable(() -> s3.deleteBucket(r -> r.bucket(made)));
                assertThat(notEmpty.statusCode()).isEqualTo(409);
                assertThat(bucketNames(project)).contains(made);
                s3.deleteObject(r -> r.bucket(made).key("k"));
                s3.deleteBucket(r -> r.bucket(made));
                assertThat(bucketNames(project)).doesNotContain(made);
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void aPutCutBySigkillIsWhollyAbsentAndEarlierLayoutObjectsMoveAtTheRestart() throws Exception {
        String project = createProject("Crash during PUT");
        String bucket = "it-crash-put-" + RUN;
        try {
            createBucket(project, bucket);
            StorageIT.StorageEnv env = StorageIT.storageEnv(api, project);
            byte[] acked = random(1 << 20, 1);
            Path bucketDir = Host.DATA_DIR.resolve("objects/buckets").resolve(project).resolve(bucket);
            // no retries: a PUT cut by the kill must not be sent again once the server is back
            S3Client s3 = S3Client.builder()
                    .endpointOverride(URI.create(env.endpoint()))
                    .region(software.amazon.awssdk.regions.Region.of(env.region()))
                    .forcePathStyle(true)
                    .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(env.key(), env.secret())))
                    .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry()))
                    .build();
            s3.putObject(r -> r.bucket(bucket).key("kept/acked.bin"), RequestBody.fromBytes(acked));

            // two PUTs in flight, a new key and an overwrite of the acknowledged one; 64 MiB each, sent slowly
            long size = 64L << 20;
            AtomicLong sentNew = new AtomicLong();
            AtomicLong sentOver = new AtomicLong();
            CompletableFuture<?> putNew = CompletableFuture.runAsync(() -> s3.putObject(r -> r.bucket(bucket).key("inflight/new.bin"),
                    RequestBody.fromContentProvider(() -> slow(size, sentNew), size, "application/octet-stream")));
            CompletableFuture<?> putOver = CompletableFuture.runAsync(() -> s3.putObject(r -> r.bucket(bucket).key("kept/acked.bin"),
                    RequestBody.fromContentProvider(() -> slow(size, sentOver), size, "application/octet-stream")));
            // the server is writing both: their temporary files are on disk and growing
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    unpublished(bucketDir).size() == 2 && unpublished(bucketDir).stream().allMatch(f -> size(f) > (4 << 20)));
            assertThat(putNew).isNotDone();
            assertThat(putOver).isNotDone();

            ControlPlane.kill();
            // what Strata 0.2 left on disk: keys as paths, metadata in extended attributes (written while it is down)
            Path legacy = Host.DATA_DIR.resolve("objects/projects").resolve(project).resolve(bucket).resolve("old/layout.txt");
            Files.createDirectories(legacy.getParent());
            Files.writeString(legacy, "from the path layout");
            var view = Files.getFileAttributeView(legacy, java.nio.file.attribute.UserDefinedFileAttributeView.class);
            view.write("user.content-type", ByteBuffer.wrap("text/x-legacy".getBytes(StandardCharsets.UTF_8)));
            ControlPlane.start();
            s3.close();

            try (S3Client again = StorageIT.s3(env)) {
                assertThat(again.getObjectAsBytes(r -> r.bucket(bucket).key("kept/acked.bin")).asByteArray())
                        .as("the acknowledged object, not the overwrite cut short").isEqualTo(acked);
                assertThat(status(catchThrowable(() -> again.headObject(r -> r.bucket(bucket).key("inflight/new.bin"))))).isEqualTo(404);
                var moved = again.getObject(r -> r.bucket(bucket).key("old/layout.txt"));
                assertThat(new String(moved.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from the path layout");
                assertThat(moved.response().contentType()).isEqualTo("text/x-legacy");
                List<String> listed = new ArrayList<>();
                again.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(o -> listed.add(o.key()));
                assertThat(listed).containsExactly("kept/acked.bin", "old/layout.txt");
            }
            assertThat(Files.readAllBytes(bucketDir.resolve("old%2Flayout.txt")))
                    .as("the file written in the clear is encrypted at the restart (and still read back above)")
                    .hasSize("from the path layout".length()).isNotEqualTo("from the path layout".getBytes(StandardCharsets.UTF_8));
            assertThat(unpublished(bucketDir)).as("temporary files of the cut writes are removed at the start").isEmpty();
            assertThat(Host.DATA_DIR.resolve("objects/projects").resolve(project)).doesNotExist();
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void objectsAreEncryptedAtRestAndCustomerKeyObjectsOpenOnlyWithTheirKey() throws Exception {
        String project = createProject("Encryption");
        String keyA = Base64.getEncoder().encodeToString(random(32, 11));
        String keyB = Base64.getEncoder().encodeToString(random(32, 12));
        try {
            String bucket = "it-sse-" + RUN;
            createBucket(project, bucket);
            Path bucketDir = Host.DATA_DIR.resolve("objects/buckets").resolve(project).resolve(bucket);
            byte[] content = random(300_000, 13);
            try (S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, project))) {
                var put = s3.putObject(r -> r.bucket(bucket).key("report.bin"), RequestBody.fromBytes(content));
                assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
                assertThat(put.eTag()).isEqualTo("\"" + java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("MD5").digest(content)) + "\"");
                byte[] onDisk = Files.readAllBytes(bucketDir.resolve("report.bin"));
                assertThat(onDisk).as("same length, other bytes").hasSameSizeAs(content).isNotEqualTo(content);
                assertThat(indexOf(onDisk, Arrays.copyOfRange(content, 1000, 1032))).as("no 32 bytes of the content on disk").isEqualTo(-1);
                var got = s3.getObjectAsBytes(r -> r.bucket(bucket).key("report.bin").range("bytes=99999-200000"));
                assertThat(got.asByteArray()).isEqualTo(Arrays.copyOfRange(content, 99_999, 200_001));
                assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);

                // SSE-C: the client's key seals the object's data key; Strata keeps neither
                s3.putObject(r -> r.bucket(bucket).key("mine.bin").sseCustomerAlgorithm("AES256").sseCustomerKey(keyA)
                        .sseCustomerKeyMD5(md5Base64(keyA)), RequestBody.fromBytes(content));
                assertThat(status(catchThrowable(() -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("mine.bin"))))).isEqualTo(400);
                assertThat(status(catchThrowable(() -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("mine.bin")
                        .sseCustomerAlgorithm("AES256").sseCustomerKey(keyB).sseCustomerKeyMD5(md5Base64(keyB)))))).isIn(400, 403);
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("mine.bin").sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(keyA).sseCustomerKeyMD5(md5Base64(keyA))).asByteArray()).isEqualTo(content);
                assertThat(new String(Files.readAllBytes(bucketDir.resolve("mine.bin")), StandardCharsets.ISO_8859_1))
                        .doesNotContain(new String(Arrays.copyOfRange(content, 0, 32), StandardCharsets.ISO_8859_1));

                // SSE-KMS with a key of Strata's key service (STRATA_KMS_KEYS=it-key for the tests); other key ids refused
                var kmsPut = s3.putObject(r -> r.bucket(bucket).key("kms-ok.bin").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId("it-key"), RequestBody.fromBytes(content));
                assertThat(kmsPut.ssekmsKeyId()).isEqualTo("it-key");
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("kms-ok.bin")).asByteArray()).isEqualTo(content);
                assertThat(Host.DATA_DIR.resolve("objects/kms-keys/it-key.key")).exists();

                // bucket default encryption, and SSE-KMS under a key the service does not offer refused
                s3.putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(rule ->
                        rule.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
                assertThat(s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0)
                        .applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AES256);
                assertThat(status(catchThrowable(() -> s3.putObject(r -> r.bucket(bucket).key("kms.bin")
                        .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("some-key"), RequestBody.fromString("x")))))
                        .isEqualTo(400);
                assertThat(status(catchThrowable(() -> s3.headObject(r -> r.bucket(bucket).key("kms.bin"))))).isEqualTo(404);
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    private static String md5Base64(String base64Key) {
        try {
            return Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(Base64.getDecoder().decode(base64Key)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aVersionedBucketKeepsWhatWasOverwrittenOrDeletedAndGivesItBack() {
        String project = createProject("Versioning");
        try {
            String bucket = "it-versions-" + RUN;
            createBucket(project, bucket);
            try (S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, project))) {
                assertThat(s3.getBucketVersioning(r -> r.bucket(bucket)).status()).isNull(); // never enabled
                s3.putObject(r -> r.bucket(bucket).key("backup.tar"), RequestBody.fromString("before versioning"));
                s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
                assertThat(s3.getBucketVersioning(r -> r.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);

                String monday = s3.putObject(r -> r.bucket(bucket).key("backup.tar"), RequestBody.fromString("monday")).versionId();
                String tuesday = s3.putObject(r -> r.bucket(bucket).key("backup.tar"), RequestBody.fromString("tuesday")).versionId();
                var deleted = s3.deleteObject(r -> r.bucket(bucket).key("backup.tar"));
                assertThat(deleted.deleteMarker()).isTrue();
                assertThat(status(catchThrowable(() -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("backup.tar"))))).isEqualTo(404);
                assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();

                var versions = s3.listObjectVersions(r -> r.bucket(bucket));
                assertThat(versions.versions()).extracting(v -> v.versionId()).containsExactly(tuesday, monday, "null");
                assertThat(versions.deleteMarkers()).extracting(m -> m.versionId()).containsExactly(deleted.versionId());
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("backup.tar").versionId(monday)).asUtf8String()).isEqualTo("monday");
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("backup.tar").versionId("null")).asUtf8String())
                        .isEqualTo("before versioning");

                // restore: delete the delete marker
                s3.deleteObject(r -> r.bucket(bucket).key("backup.tar").versionId(deleted.versionId()));
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("backup.tar")).asUtf8String()).isEqualTo("tuesday");
                // deleting one version for good removes that one only
                s3.deleteObject(r -> r.bucket(bucket).key("backup.tar").versionId(tuesday));
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("backup.tar")).asUtf8String()).isEqualTo("monday");

                s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
                assertThat(s3.putObject(r -> r.bucket(bucket).key("backup.tar"), RequestBody.fromString("suspended")).versionId())
                        .isIn(null, "null");
                assertThat(s3.listObjectVersions(r -> r.bucket(bucket)).versions()).extracting(v -> v.versionId()).contains(monday);
            }
            // deleting the project (through the API) removes every version too
        } finally {
            deleteProjectQuietly(project);
        }
        assertThat(Host.DATA_DIR.resolve("objects/buckets").resolve(project)).doesNotExist();
    }

    @Test
    void aProjectsStorageQuotaRefusesWritesWithQuotaExceededAndBucketsShowTheirUsage() {
        String project = createProject("Quota");
        try {
            String bucket = "it-quota-" + RUN;
            createBucket(project, bucket);
            Api.Reply none = api.get("/api/v1/projects/" + project + "/storage-quota");
            assertThat(none.status()).as(none.raw()).isEqualTo(200);
            assertThat(none.json().path("maxBytes").isNull()).as(none.raw()).isTrue();
            assertThat(none.json().path("usedObjects").asLong()).isZero();

            // refused, and nothing changes
            for (String bad : List.of("{\"maxBytes\":-1}", "{\"maxObjects\":\"many\"}", "{\"maxBytes\":1.5}", "{\"limit\":3}",
                    "{\"maxBytes\":1e300}", "[]", "not json")) {
                Api.Reply r = api.put("/api/v1/projects/" + project + "/storage-quota", bad);
                assertThat(r.status()).as(bad + " -> " + r.raw()).isEqualTo(400);
                assertThat(r.contentType()).startsWith("application/problem+json");
            }
            assertThat(api.put("/api/v1/projects/proj_01jzzzzzzzzzzzzzzzzzzzzzzz/storage-quota", "{\"maxBytes\":1}").status()).isEqualTo(404);
            assertThat(api.get("/api/v1/projects/" + project + "/storage-quota").json().path("maxBytes").isNull()).isTrue();

            Api.Reply set = api.put("/api/v1/projects/" + project + "/storage-quota", "{\"maxBytes\":100000,\"maxObjects\":2}");
            assertThat(set.status()).as(set.raw()).isEqualTo(200);
            assertThat(set.json().path("maxBytes").asLong()).isEqualTo(100_000);
            assertThat(set.json().path("maxObjects").asLong()).isEqualTo(2);

            try (S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, project))) {
                s3.putObject(r -> r.bucket(bucket).key("one"), RequestBody.fromString("1234"));
                s3.putObject(r -> r.bucket(bucket).key("two"), RequestBody.fromBytes(new byte[1000]));
                S3Exception full = (S3Exception) catchThrowable(() -> s3.putObject(r -> r.bucket(bucket).key("three"), RequestBody.fromString("3")));
                assertThat(full.statusCode()).isEqualTo(403);
                assertThat(full.awsErrorDetails().errorCode()).isEqualTo("QuotaExceeded");
                S3Exception big = (S3Exception) catchThrowable(() -> s3.putObject(r -> r.bucket(bucket).key("one"), RequestBody.fromBytes(new byte[200_000])));
                assertThat(big.awsErrorDetails().errorCode()).isEqualTo("QuotaExceeded");
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("one")).asUtf8String()).isEqualTo("1234");

                JsonNode b = bucketsOf(project).get(0);
                assertThat(b.path("usage").path("objects").asLong()).as(b.toString()).isEqualTo(2);
                assertThat(b.path("usage").path("bytes").asLong()).as(b.toString()).isEqualTo(1004);
                JsonNode q = api.get("/api/v1/projects/" + project + "/storage-quota").json();
                assertThat(q.path("usedObjects").asLong()).isEqualTo(2);
                assertThat(q.path("usedBytes").asLong()).isEqualTo(1004);

                // no limits again: writes go through (the store reads the quota anew within seconds)
                assertThat(api.put("/api/v1/projects/" + project + "/storage-quota", "{\"maxBytes\":null}").status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() ->
                        s3.putObject(r -> r.bucket(bucket).key("three"), RequestBody.fromString("3")));
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void aBrowserPageOnAnotherOriginUploadsWhereCorsAllowsItAndIsStoppedWhereNot() throws Exception {
        String project = createProject("CORS");
        com.sun.net.httpserver.HttpServer page = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        try (var browser = dev.strata.it.e2e.Browser.start()) {
            String open = "it-cors-" + RUN;
            String closed = "it-nocors-" + RUN;
            createBucket(project, open);
            createBucket(project, closed);
            StorageIT.StorageEnv env = StorageIT.storageEnv(api, project);
            String origin = "http://127.0.0.1:" + page.getAddress().getPort();
            try (S3Client s3 = StorageIT.s3(env); var presigner = StorageIT.presigner(env)) {
                s3.putBucketCors(r -> r.bucket(open).corsConfiguration(c -> c.corsRules(software.amazon.awssdk.services.s3.model.CORSRule.builder()
                        .allowedOrigins(origin).allowedMethods("PUT", "GET").allowedHeaders("*").exposeHeaders("ETag").maxAgeSeconds(60).build())));
                String putOpen = presigner.presignPutObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                        .putObjectRequest(o -> o.bucket(open).key("from-browser.txt"))).url().toString();
                String putClosed = presigner.presignPutObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                        .putObjectRequest(o -> o.bucket(closed).key("from-browser.txt"))).url().toString();
                String html = "<!doctype html><html><body><p id=open>…</p><p id=closed>…</p><script>\n"
                        + "async function up(url, id) {\n"
                        + "  try { const r = await fetch(url, {method: 'PUT', body: 'sent by a page on ' + location.origin});\n"
                        + "        document.getElementById(id).textContent = 'status ' + r.status + ' etag ' + r.headers.get('ETag'); }\n"
                        + "  catch (e) { document.getElementById(id).textContent = 'blocked: ' + e.name; } }\n"
                        + "up(" + jsString(putOpen) + ", 'open'); up(" + jsString(putClosed) + ", 'closed');\n"
                        + "</script></body></html>";
                page.createContext("/", exchange -> {
                    byte[] body = html.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                page.start();

                browser.open(origin + "/upload.html");
                browser.await().until(d -> !d.findElement(org.openqa.selenium.By.id("open")).getText().equals("…")
                        && !d.findElement(org.openqa.selenium.By.id("closed")).getText().equals("…"));
                String opened = browser.driver().findElement(org.openqa.selenium.By.id("open")).getText();
                String stopped = browser.driver().findElement(org.openqa.selenium.By.id("closed")).getText();
                browser.screenshot("s3-cors-upload");
                assertThat(opened).startsWith("status 200 etag \"").doesNotContain("null");
                assertThat(stopped).startsWith("blocked");
                assertThat(s3.getObjectAsBytes(r -> r.bucket(open).key("from-browser.txt")).asUtf8String()).isEqualTo("sent by a page on " + origin);
                assertThat(status(catchThrowable(() -> s3.headObject(r -> r.bucket(closed).key("from-browser.txt"))))).isEqualTo(404);
            }
        } finally {
            page.stop(0);
            deleteProjectQuietly(project);
        }
    }

    @Test
    void aPublicReadPolicyServesEveryoneAndAPrivateBucketStaysClosed() throws Exception {
        String project = createProject("Public read");
        try {
            String site = "it-public-" + RUN;
            String vault = "it-private-" + RUN;
            createBucket(project, site);
            createBucket(project, vault);
            StorageIT.StorageEnv env = StorageIT.storageEnv(api, project);
            try (S3Client s3 = StorageIT.s3(env)) {
                s3.putObject(r -> r.bucket(site).key("index.html").contentType("text/html"), RequestBody.fromString("<h1>public</h1>"));
                s3.putObject(r -> r.bucket(vault).key("index.html"), RequestBody.fromString("private"));
                s3.putBucketPolicy(r -> r.bucket(site).policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":\"*\",\"Action\":[\"s3:GetObject\"],\"Resource\":[\"arn:aws:s3:::" + site + "/*\"]}]}"));
                assertThat(s3.getBucketPolicy(r -> r.bucket(site)).policy()).contains("s3:GetObject");
            }
            HttpResponse<String> read = get(env.endpoint() + "/" + site + "/index.html");
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(read.body()).isEqualTo("<h1>public</h1>");
            assertThat(read.headers().firstValue("Content-Type")).contains("text/html");
            assertThat(get(env.endpoint() + "/" + site + "/").statusCode()).as("no listing granted").isEqualTo(403);
            HttpResponse<String> refused = get(env.endpoint() + "/" + vault + "/index.html");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).doesNotContain("private").contains("AccessDenied");
            HttpResponse<String> write = HTTP.send(HttpRequest.newBuilder(URI.create(env.endpoint() + "/" + site + "/defaced.html"))
                    .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(write.statusCode()).isEqualTo(403);
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void aLifecycleRuleExpiresTheObjectsItNames() {
        String project = createProject("Lifecycle");
        try {
            String bucket = "it-lifecycle-" + RUN;
            createBucket(project, bucket);
            try (S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, project))) {
                // this test server's lifecycle "day" lasts 3 s (STRATA_LIFECYCLE_DAY_SECONDS in ear/pom.xml)
                s3.putBucketLifecycleConfiguration(r -> r.bucket(bucket).lifecycleConfiguration(l -> l.rules(
                        software.amazon.awssdk.services.s3.model.LifecycleRule.builder().id("uploads expire").filter(f -> f.prefix("tmp/"))
                                .status(software.amazon.awssdk.services.s3.model.ExpirationStatus.ENABLED).expiration(e -> e.days(2)).build())));
                assertThat(s3.getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules()).singleElement()
                        .satisfies(rule -> assertThat(rule.expiration().days()).isEqualTo(2));
                s3.putObject(r -> r.bucket(bucket).key("tmp/upload.part"), RequestBody.fromString("temporary"));
                s3.putObject(r -> r.bucket(bucket).key("kept/report.csv"), RequestBody.fromString("kept"));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(status(catchThrowable(() -> s3.headObject(r -> r.bucket(bucket).key("tmp/upload.part"))))).isEqualTo(404));
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("kept/report.csv")).asUtf8String()).isEqualTo("kept");

                S3Exception bad = (S3Exception) catchThrowable(() -> s3.putBucketLifecycleConfiguration(r -> r.bucket(bucket).lifecycleConfiguration(l -> l.rules(
                        software.amazon.awssdk.services.s3.model.LifecycleRule.builder().id("x").filter(f -> f.prefix(""))
                                .status(software.amazon.awssdk.services.s3.model.ExpirationStatus.ENABLED).expiration(e -> e.days(-1)).build()))));
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(s3.getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules()).singleElement()
                        .satisfies(rule -> assertThat(rule.id()).isEqualTo("uploads expire"));
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void objectLockKeepsABackupFromBeingDeletedUntilItsRetentionEnds() {
        String project = createProject("Object lock");
        String bucket = "it-lock-" + RUN;
        try {
            createBucket(project, "it-lock-first-" + RUN); // the project's key
            try (S3Client s3 = StorageIT.s3(StorageIT.storageEnv(api, project))) {
                s3.createBucket(r -> r.bucket(bucket).objectLockEnabledForBucket(true));
                assertThat(bucketNames(project)).contains(bucket);
                s3.putObjectLockConfiguration(r -> r.bucket(bucket).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
                        .rule(rule -> rule.defaultRetention(d -> d.mode("GOVERNANCE").days(7)))));
                String v1 = s3.putObject(r -> r.bucket(bucket).key("db/base.tar"), RequestBody.fromString("the backup")).versionId();
                assertThat(s3.headObject(r -> r.bucket(bucket).key("db/base.tar")).objectLockModeAsString()).isEqualTo("GOVERNANCE");

                S3Exception refused = (S3Exception) catchThrowable(() -> s3.deleteObject(r -> r.bucket(bucket).key("db/base.tar").versionId(v1)));
                assertThat(refused.statusCode()).isEqualTo(403);
                assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                // a ransomware-style overwrite and delete leave the locked version readable
                s3.putObject(r -> r.bucket(bucket).key("db/base.tar"), RequestBody.fromString("encrypted garbage"));
                s3.deleteObject(r -> r.bucket(bucket).key("db/base.tar"));
                assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("db/base.tar").versionId(v1)).asUtf8String()).isEqualTo("the backup");

                s3.putObjectLegalHold(r -> r.bucket(bucket).key("db/base.tar").versionId(v1).legalHold(h -> h.status("ON")));
                assertThat(((S3Exception) catchThrowable(() -> s3.deleteObject(r -> r.bucket(bucket).key("db/base.tar").versionId(v1)
                        .bypassGovernanceRetention(true)))).statusCode()).isEqualTo(403);
                s3.putObjectLegalHold(r -> r.bucket(bucket).key("db/base.tar").versionId(v1).legalHold(h -> h.status("OFF")));
                s3.deleteObject(r -> r.bucket(bucket).key("db/base.tar").versionId(v1).bypassGovernanceRetention(true));
                assertThat(status(catchThrowable(() -> s3.headObject(r -> r.bucket(bucket).key("db/base.tar").versionId(v1))))).isEqualTo(404);
                s3.putObject(r -> r.bucket(bucket).key("db/next.tar"), RequestBody.fromString("governed")); // default retention
            }
            // the owner deleting the project through Strata overrides GOVERNANCE retention
            assertThat(api.delete("/api/v1/projects/" + project).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(Host.DATA_DIR.resolve("objects/buckets").resolve(project)).doesNotExist());
        } finally {
            deleteProjectQuietly(project);
        }
    }

    private static String jsString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** A body of {@code size} bytes that trickles (1 MiB, then a pause), counting what it handed out. */
    private static InputStream slow(long size, AtomicLong sent) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                if (sent.get() > (8 << 20)) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // a slow client, not a test pause
                }
                int n = (int) Math.min(Math.min(len, left), 1 << 16);
                java.util.Arrays.fill(b, off, off + n, (byte) 'z');
                left -= n;
                sent.addAndGet(n);
                return n;
            }
        };
    }

    /** Temporary files of writes in progress ({@code <encoded key>-<uuid>}) in the bucket's directory. */
    private static List<Path> unpublished(Path bucketDir) throws IOException {
        if (!Files.isDirectory(bucketDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(bucketDir)) {
            return files.filter(f -> f.getFileName().toString().matches(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")).toList();
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException gone) {
            return 0;
        }
    }

    private static int status(Throwable t) {
        assertThat(t).isInstanceOf(S3Exception.class);
        return ((S3Exception) t).statusCode();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String createProject(String name) {
        Api.Reply r = api.post("/api/v1/projects", "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.text("id");
    }

    private void createBucket(String project, String name) {
        Api.Reply r = api.post(BUCKETS, "{\"projectId\":\"" + project + "\",\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
    }

    private List<JsonNode> bucketsOf(String project) {
        Api.Reply r = api.get(BUCKETS + "?projectId=" + project);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().path("data").forEach(out::add);
        return out;
    }

    private List<String> bucketNames(String project) {
        return bucketsOf(project).stream().map(b -> b.path("name").asText()).toList();
    }

    private void deleteProjectQuietly(String project) {
        try {
            if (project != null && api.get("/api/v1/projects/" + project).status() == 200) {
                api.delete("/api/v1/projects/" + project);
            }
        } catch (RuntimeException | AssertionError e) {
            // best effort: the test already failed for a reason worth reporting
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String randomSuffix() {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append(chars.charAt(random.nextInt(chars.length())));
        }
        return sb.toString();
    }
}
