package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * Object storage: {@code /api/v1/storage/buckets}, a project's S3 keys and managed {@code STORAGE_*} variables, and
 * the S3 endpoint itself used exactly as an application would, with the AWS SDK and only the values the project's
 * environment hands out.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class StorageIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private static final String BUCKETS = "/api/v1/storage/buckets";
    private static final int MIB = 1024 * 1024;
    /** Bucket names are global, so every name of this run carries a suffix no other run has. */
    private static final String RUN = randomSuffix();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Api api = Api.withBootstrapKey();

    // ---- 1. round trip with the environment's values only ------------------------------------------------------

    @Test
    void bucketsStayLiveWhileTheProjectSleeps() throws Exception {
        String project = createProject("Sleepy storage");
        try {
            String name = bucketName("live");
            createBucket(project, name);
            try (S3Client s3 = s3(storageEnv(api, project))) {
                s3.putObject(r -> r.bucket(name).key("before.txt"), RequestBody.fromString("written before sleep"));
                Api.Reply slept = api.post("/api/v1/projects/" + project + "/sleep", "");
                assertThat(slept.status()).as(slept.raw()).isEqualTo(202);
                assertThat(slept.text("status")).isEqualTo("sleeping");
                assertThat(s3.getObjectAsBytes(r -> r.bucket(name).key("before.txt")).asUtf8String()).isEqualTo("written before sleep");
                s3.putObject(r -> r.bucket(name).key("during.txt"), RequestBody.fromString("written while asleep"));
                assertThat(api.post("/api/v1/projects/" + project + "/wake", "").status()).isEqualTo(202);
                assertThat(s3.getObjectAsBytes(r -> r.bucket(name).key("during.txt")).asUtf8String()).isEqualTo("written while asleep");
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void roundTripWithOnlyTheProjectEnvironment() throws Exception {
        String project = createProject("Storage round trip");
        try {
            // no bucket yet: no key, no STORAGE_* variables
            assertThat(keys(project)).isEmpty();
            assertThat(envNames(project)).noneMatch(n -> n.startsWith("STORAGE_"));

            String name = bucketName("uploads");
            JsonNode bucket = createBucket(project, name);
            String bucketId = bucket.path("id").asText();
            assertThat(bucketId).matches("bkt_[0-9a-z]{26}");
            assertThat(bucket.path("projectId").asText()).isEqualTo(project);
            assertThat(bucket.path("name").asText()).isEqualTo(name);
            assertThat(bucket.path("region").asText()).isEqualTo("us-east-1");
            assertThat(bucket.path("createdAt").asText()).isNotBlank();
            URI endpoint = URI.create(bucket.path("endpoint").asText());
            assertThat(endpoint.getScheme()).isEqualTo("http");
            assertThat(endpoint.getPort()).isEqualTo(Integer.getInteger("it.s3.port"));

            Api.Reply one = api.get(BUCKETS + "/" + bucketId);
            assertThat(one.status()).as(one.raw()).isEqualTo(200);
            assertThat(one.json()).isEqualTo(bucket);
            assertThat(bucketIds(BUCKETS + "?projectId=" + project)).containsExactly(bucketId);
            assertThat(bucketIds(BUCKETS)).contains(bucketId);

            // the first bucket minted the project's key, and the environment hands out everything a client needs
            JsonNode env = api.get("/api/v1/projects/" + project + "/env").json().path("data");
            for (String var : List.of("STORAGE_ENDPOINT", "STORAGE_BUCKET", "STORAGE_KEY", "STORAGE_SECRET", "STORAGE_REGION")) {
                JsonNode v = find(env, var);
                assertThat(v.path("value").asText()).as(var).isNotBlank();
                assertThat(v.path("managed").asBoolean()).as(var).isTrue();
                assertThat(v.path("managedBy").asText()).as(var).isEqualTo("strata");
            }
            StorageEnv s = storageEnv(api, project);
            assertThat(s.endpoint()).isEqualTo(bucket.path("endpoint").asText());
            assertThat(s.bucket()).isEqualTo(name);
            assertThat(s.region()).isEqualTo("us-east-1");
            JsonNode keys = keys(project);
            assertThat(keys).hasSize(1);
            assertThat(keys.get(0).path("accessKeyId").asText()).isEqualTo(s.key());
            assertThat(keys.get(0).path("secretAccessKey").asText()).isEqualTo(s.secret());
            assertThat(keys.get(0).path("createdAt").asText()).isNotBlank();

            // a second bucket neither mints another key nor replaces STORAGE_BUCKET
            String second = bucketName("second");
            createBucket(project, second);
            assertThat(keys(project)).hasSize(1);
            assertThat(storageEnv(api, project)).isEqualTo(s);

            try (S3Client s3 = s3(s)) {
                s3.headBucket(r -> r.bucket(s.bucket()));
                assertThat(bucketNames(s3)).containsExactlyInAnyOrder(name, second);

                byte[] text = "héllo wörld, from Strata's storage test\n".getBytes(StandardCharsets.UTF_8);
                Map<String, String> meta = Map.of("owner", "strata-it", "purpose", "round-trip");
                String textType = "application/vnd.strata.test+json";
                String textEtag = s3.putObject(r -> r.bucket(s.bucket()).key("docs/hello.txt").contentType(textType).metadata(meta),
                        RequestBody.fromBytes(text)).eTag();
                byte[] blob = random(100_000, 1);
                s3.putObject(r -> r.bucket(s.bucket()).key("data/blob.bin").contentType("image/png"), RequestBody.fromBytes(blob));

                ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(r -> r.bucket(s.bucket()).key("docs/hello.txt"));
                assertThat(got.asByteArray()).isEqualTo(text);
                assertThat(got.response().contentType()).isEqualTo(textType);
                assertThat(got.response().metadata()).isEqualTo(meta);
                assertThat(got.response().eTag()).isEqualTo(textEtag);
                ResponseBytes<GetObjectResponse> gotBlob = s3.getObjectAsBytes(r -> r.bucket(s.bucket()).key("data/blob.bin"));
                assertThat(gotBlob.asByteArray()).isEqualTo(blob);
                assertThat(gotBlob.response().contentType()).isEqualTo("image/png");

                HeadObjectResponse head = s3.headObject(r -> r.bucket(s.bucket()).key("docs/hello.txt"));
                assertThat(head.contentLength()).isEqualTo(text.length);
                assertThat(head.contentType()).isEqualTo(textType);
                assertThat(head.metadata()).isEqualTo(meta);
                assertThat(head.eTag()).isEqualTo(textEtag);

                assertThat(listing(s3, s.bucket())).containsExactly(Map.entry("data/blob.bin", 100_000L),
                        Map.entry("docs/hello.txt", (long) text.length));
                assertThat(s3.listObjectsV2(r -> r.bucket(s.bucket()).prefix("docs/")).contents()).extracting(S3Object::key)
                        .containsExactly("docs/hello.txt");
                assertThat(s3.listObjectsV2(r -> r.bucket(second)).contents()).isEmpty();

                // the files are the project's, under its own directory
                Path dir = projectDir(project);
                assertThat(dir).isDirectory();
                assertThat(fileNames(dir)).contains("data%2Fblob.bin", "docs%2Fhello.txt"); // each key one file name (encoded)

                s3.deleteObject(r -> r.bucket(s.bucket()).key("docs/hello.txt"));
                assertThat(status(catchThrowable(() -> s3.getObjectAsBytes(r -> r.bucket(s.bucket()).key("docs/hello.txt")))))
                        .isEqualTo(404);
                assertThat(status(catchThrowable(() -> s3.headObject(r -> r.bucket(s.bucket()).key("docs/hello.txt")))))
                        .isEqualTo(404);
                assertThat(listing(s3, s.bucket())).containsOnlyKeys("data/blob.bin");
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    // ---- 2. a large object in parts --------------------------------------------------------------------------

    @Test
    void largeObjectByMultipartUpload() throws Exception {
        String project = createProject("Storage multipart");
        try {
            createBucket(project, bucketName("big"));
            StorageEnv s = storageEnv(api, project);
            int partSize = 5 * MIB;
            byte[] data = random(4 * partSize + MIB + 123, 42); // 21 MiB and a bit: four full parts and a short last one
            String key = "big/archive.bin";
            try (S3Client s3 = s3(s)) {
                String upload = s3.createMultipartUpload(r -> r.bucket(s.bucket()).key(key).contentType("application/octet-stream"))
                        .uploadId();
                List<CompletedPart> parts = new ArrayList<>();
                for (int i = 0, n = 1; i < data.length; i += partSize, n++) {
                    byte[] chunk = Arrays.copyOfRange(data, i, Math.min(i + partSize, data.length));
                    int number = n;
                    String etag = s3.uploadPart(r -> r.bucket(s.bucket()).key(key).uploadId(upload).partNumber(number),
                            RequestBody.fromBytes(chunk)).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                }
                assertThat(parts).hasSize(5);
                assertThat(s3.listParts(r -> r.bucket(s.bucket()).key(key).uploadId(upload)).parts()).hasSize(5);
                assertThat(s3.listMultipartUploads(r -> r.bucket(s.bucket())).uploads()).hasSize(1);
                s3.completeMultipartUpload(r -> r.bucket(s.bucket()).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
                assertThat(s3.listMultipartUploads(r -> r.bucket(s.bucket())).uploads()).isEmpty();

                assertThat(s3.headObject(r -> r.bucket(s.bucket()).key(key)).contentLength()).isEqualTo(data.length);
                byte[] back = s3.getObjectAsBytes(r -> r.bucket(s.bucket()).key(key)).asByteArray();
                assertThat(back).hasSize(data.length);
                assertThat(sha256(back)).isEqualTo(sha256(data));
                // a range across the boundary of parts 1 and 2
                int from = partSize - 10;
                byte[] range = s3.getObjectAsBytes(r -> r.bucket(s.bucket()).key(key).range("bytes=" + from + "-" + (from + 19)))
                        .asByteArray();
                assertThat(range).isEqualTo(Arrays.copyOfRange(data, from, from + 20));

                // an aborted upload leaves nothing behind
                String aborted = s3.createMultipartUpload(r -> r.bucket(s.bucket()).key("big/aborted.bin")).uploadId();
                s3.uploadPart(r -> r.bucket(s.bucket()).key("big/aborted.bin").uploadId(aborted).partNumber(1),
                        RequestBody.fromString("never completed"));
                s3.abortMultipartUpload(r -> r.bucket(s.bucket()).key("big/aborted.bin").uploadId(aborted));
                assertThat(s3.listMultipartUploads(r -> r.bucket(s.bucket())).uploads()).isEmpty();
                assertThat(listing(s3, s.bucket())).containsOnlyKeys(key);
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    // ---- 3. presigned URLs --------------------------------------------------------------------------------------

    @Test
    void presignedGetServesTheBytesAndATamperedSignatureIsRefused() throws Exception {
        String project = createProject("Storage presigned");
        try {
            createBucket(project, bucketName("share"));
            StorageEnv s = storageEnv(api, project);
            byte[] data = random(300_000, 7);
            try (S3Client s3 = s3(s); S3Presigner presigner = presigner(s)) {
                s3.putObject(r -> r.bucket(s.bucket()).key("reports/q3.bin"), RequestBody.fromBytes(data));

                PresignedGetObjectRequest p = presigner.presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                        .getObjectRequest(g -> g.bucket(s.bucket()).key("reports/q3.bin")));
                String url = p.url().toString();
                assertThat(url).startsWith(s.endpoint() + "/" + s.bucket() + "/reports/q3.bin?").contains("X-Amz-Signature=");
                HttpResponse<byte[]> ok = httpGet(url);
                assertThat(ok.statusCode()).as(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo(200);
                assertThat(ok.body()).isEqualTo(data);

                HttpResponse<byte[]> tampered = httpGet(tamperSignature(url));
                assertThat(tampered.statusCode()).isEqualTo(403);
                assertThat(tampered.body()).isNotEqualTo(data);
                assertThat(errorCode(tampered.body())).isIn("SignatureDoesNotMatch", "AccessDenied");

                // the same URL without its signature is an anonymous request: never the project's object
                HttpResponse<byte[]> unsigned = httpGet(s.endpoint() + "/" + s.bucket() + "/reports/q3.bin");
                assertThat(unsigned.statusCode()).isIn(403, 404);

                PresignedGetObjectRequest shortLived = presigner.presignGetObject(r -> r.signatureDuration(Duration.ofSeconds(1))
                        .getObjectRequest(g -> g.bucket(s.bucket()).key("reports/q3.bin")));
                Thread.sleep(2_100);
                assertThat(httpGet(shortLived.url().toString()).statusCode()).isEqualTo(403);
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    // ---- 4. isolation between projects ------------------------------------------------------------------------

    @Test
    void aProjectsKeyCannotTouchAnotherProjectsBucket() throws Exception {
        String projectA = createProject("Storage victim");
        String projectB = createProject("Storage intruder");
        try {
            String bucketA = bucketName("victim");
            String bucketB = bucketName("intruder");
            createBucket(projectA, bucketA);
            createBucket(projectB, bucketB);
            StorageEnv a = storageEnv(api, projectA);
            StorageEnv b = storageEnv(api, projectB);
            assertThat(a.key()).isNotEqualTo(b.key());
            byte[] secret = "A's secret".getBytes(StandardCharsets.UTF_8);
            try (S3Client sa = s3(a); S3Client sb = s3(b); S3Presigner pb = presigner(b)) {
                sa.putObject(r -> r.bucket(bucketA).key("secret.txt").metadata(Map.of("owner", "a")), RequestBody.fromBytes(secret));

                assertThat(bucketNames(sb)).containsExactly(bucketB);
                assertThat(bucketNames(sa)).containsExactly(bucketA);

                refused("B ListObjectsV2 on A's bucket", () -> sb.listObjectsV2(r -> r.bucket(bucketA)));
                refused("B ListObjects (v1) on A's bucket", () -> sb.listObjects(r -> r.bucket(bucketA)));
                refused("B GetObject on A's bucket", () -> sb.getObjectAsBytes(r -> r.bucket(bucketA).key("secret.txt")));
                refused("B HeadObject on A's bucket", () -> sb.headObject(r -> r.bucket(bucketA).key("secret.txt")));
                refused("B PutObject on A's bucket", () -> sb.putObject(r -> r.bucket(bucketA).key("evil.txt"),
                        RequestBody.fromString("planted by B")));
                refused("B PutObject overwriting A's object", () -> sb.putObject(r -> r.bucket(bucketA).key("secret.txt"),
                        RequestBody.fromString("overwritten by B")));
                refused("B HeadBucket on A's bucket", () -> sb.headBucket(r -> r.bucket(bucketA)));
                refused("B DeleteBucket on A's bucket", () -> sb.deleteBucket(r -> r.bucket(bucketA)));
                refused("B CreateMultipartUpload on A's bucket", () -> sb.createMultipartUpload(r -> r.bucket(bucketA).key("evil.bin")));
                refused("B ListMultipartUploads on A's bucket", () -> sb.listMultipartUploads(r -> r.bucket(bucketA)));
                refused("B CopyObject from A's object into B's bucket", () -> sb.copyObject(r -> r.sourceBucket(bucketA)
                        .sourceKey("secret.txt").destinationBucket(bucketB).destinationKey("stolen.txt")));
                // S3 deletes are idempotent: these may answer 2xx, but must not have any effect (checked below)
                catchThrowable(() -> sb.deleteObject(r -> r.bucket(bucketA).key("secret.txt")));
                catchThrowable(() -> sb.deleteObjects(r -> r.bucket(bucketA).delete(Delete.builder()
                        .objects(ObjectIdentifier.builder().key("secret.txt").build()).build())));

                // a URL B presigns for A's object does not serve it either
                String url = pb.presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                        .getObjectRequest(g -> g.bucket(bucketA).key("secret.txt"))).url().toString();
                HttpResponse<byte[]> viaB = httpGet(url);
                assertThat(viaB.statusCode()).isIn(403, 404);
                assertThat(viaB.body()).isNotEqualTo(secret);

                // A's object and bucket are intact, and nothing of A's reached B
                ResponseBytes<GetObjectResponse> still = sa.getObjectAsBytes(r -> r.bucket(bucketA).key("secret.txt"));
                assertThat(still.asByteArray()).isEqualTo(secret);
                assertThat(still.response().metadata()).isEqualTo(Map.of("owner", "a"));
                assertThat(listing(sa, bucketA)).containsOnlyKeys("secret.txt");
                assertThat(sa.listMultipartUploads(r -> r.bucket(bucketA)).uploads()).isEmpty();
                assertThat(listing(sb, bucketB)).isEmpty();
                assertThat(fileNames(projectDir(projectA))).doesNotContain("evil.txt", "evil.bin", "stolen.txt");
                if (Files.exists(projectDir(projectB))) {
                    assertThat(fileNames(projectDir(projectB))).doesNotContain("secret.txt", "stolen.txt");
                }

                // A's key id under B's path is not B's to revoke
                assertThat(api.delete("/api/v1/projects/" + projectB + "/storage-keys/" + a.key()).status()).isEqualTo(404);
                assertThat(sa.getObjectAsBytes(r -> r.bucket(bucketA).key("secret.txt")).asByteArray()).isEqualTo(secret);
            }
        } finally {
            deleteProjectQuietly(projectA);
            deleteProjectQuietly(projectB);
        }
    }

    // ---- 5. revocation and rotation ------------------------------------------------------------------------

    @Test
    void aRevokedKeyIsRefusedOnTheNextRequestAndARotatedKeyWorks() throws Exception {
        String project = createProject("Storage revocation");
        try {
            String bucket = bucketName("keys");
            createBucket(project, bucket);
            StorageEnv first = storageEnv(api, project);
            try (S3Client old = s3(first); S3Presigner oldPresigner = presigner(first)) {
                old.putObject(r -> r.bucket(bucket).key("kept.txt"), RequestBody.fromString("kept"));
                assertThat(bucketNames(old)).containsExactly(bucket);

                // rotation: a new key, and the old one stays valid until revoked
                Api.Reply minted = api.post("/api/v1/projects/" + project + "/storage-keys", "");
                assertThat(minted.status()).as(minted.raw()).isEqualTo(201);
                String newKey = minted.text("accessKeyId");
                String newSecret = minted.text("secretAccessKey");
                assertThat(newKey).isNotBlank().isNotEqualTo(first.key());
                assertThat(newSecret).isNotBlank().isNotEqualTo(first.secret());
                assertThat(minted.text("createdAt")).isNotBlank();
                assertThat(accessKeyIds(project)).containsExactlyInAnyOrder(first.key(), newKey);
                assertThat(storageEnv(api, project).key()).isIn(first.key(), newKey);
                assertThat(old.getObjectAsBytes(r -> r.bucket(bucket).key("kept.txt")).asUtf8String()).isEqualTo("kept");
                String presignedBefore = oldPresigner.presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                        .getObjectRequest(g -> g.bucket(bucket).key("kept.txt"))).url().toString();
                assertThat(httpGet(presignedBefore).statusCode()).isEqualTo(200);

                // revocation: the very next request with the old key (same client, same pooled connection) is refused
                Api.Reply revoked = api.delete("/api/v1/projects/" + project + "/storage-keys/" + first.key());
                assertThat(revoked.status()).as(revoked.raw()).isEqualTo(204);
                S3Exception e = refusedWith403("ListBuckets with the revoked key", old::listBuckets);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
                refusedWith403("GetObject with the revoked key", () -> old.getObjectAsBytes(r -> r.bucket(bucket).key("kept.txt")));
                refusedWith403("PutObject with the revoked key", () -> old.putObject(r -> r.bucket(bucket).key("after-revoke.txt"),
                        RequestBody.fromString("x")));
                assertThat(httpGet(presignedBefore).statusCode()).isEqualTo(403);
                assertThat(accessKeyIds(project)).containsExactly(newKey);
                assertThat(storageEnv(api, project).key()).isEqualTo(newKey);
                assertThat(storageEnv(api, project).secret()).isEqualTo(newSecret);
                assertThat(api.delete("/api/v1/projects/" + project + "/storage-keys/" + first.key()).status()).isEqualTo(404);
                assertThat(api.delete("/api/v1/projects/" + project + "/storage-keys/STRTNOSUCHKEY0000000").status()).isEqualTo(404);

                // the rotated key works
                try (S3Client fresh = s3(storageEnv(api, project))) {
                    assertThat(bucketNames(fresh)).containsExactly(bucket);
                    assertThat(fresh.getObjectAsBytes(r -> r.bucket(bucket).key("kept.txt")).asUtf8String()).isEqualTo("kept");
                    fresh.putObject(r -> r.bucket(bucket).key("after-rotation.txt"), RequestBody.fromString("new"));
                    assertThat(listing(fresh, bucket)).containsOnlyKeys("kept.txt", "after-rotation.txt");
                }
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    // ---- 6. validation of the buckets API --------------------------------------------------------------------

    static Stream<String> invalidNames() {
        return Stream.of("192.168.1.1", "10.0.0.255", "ab", "a", "Upper", "UPPERCASE", "under_score", "-dash", "dash-",
                "with space", "a".repeat(64), "xn--abc", "");
    }

    @ParameterizedTest(name = "bucket name \"{0}\" -> 400")
    @MethodSource("invalidNames")
    void invalidBucketNamesAreRefusedAndCreateNothing(String name) {
        String project = createProject("Storage bad names");
        try {
            int before = bucketCount();
            Api.Reply r = api.post(BUCKETS, "{\"projectId\":\"" + project + "\",\"name\":\"" + name + "\"}");
            assertProblem(r, 400, "name");
            assertThat(bucketCount()).isEqualTo(before);
            assertThat(bucketIds(BUCKETS + "?projectId=" + project)).isEmpty();
            assertThat(keys(project)).as("a refused bucket mints no key").isEmpty();
        } finally {
            deleteProjectQuietly(project);
        }
    }

    @Test
    void badBucketRequestsAreRefusedAndCreateNothing() throws Exception {
        String project = createProject("Storage validation");
        try {
            int before = bucketCount();
            String p = "\"projectId\":\"" + project + "\"";
            assertProblem(api.post(BUCKETS, "{\"name\":\"" + bucketName("orphan") + "\"}"), 400, "projectId");
            assertProblem(api.post(BUCKETS, "{\"projectId\":\"\",\"name\":\"" + bucketName("orphan") + "\"}"), 400, "projectId");
            assertProblem(api.post(BUCKETS, "{" + p + "}"), 400, "name");
            assertProblem(api.post(BUCKETS, "{}"), 400, null);
            assertProblem(api.post(BUCKETS, "{" + p + ",\"name\":42}"), 400, "name");
            assertProblem(api.post(BUCKETS, "{" + p + ",\"name\":\"" + bucketName("colored") + "\",\"color\":\"red\"}"), 400, "color");
            assertProblem(api.post(BUCKETS, "{" + p + ",\"name\":"), 400, null);
            assertProblem(api.post(BUCKETS, "[1,2]"), 400, null);
            assertProblem(api.post(BUCKETS, "{\"projectId\":\"proj_00000000000000000000000000\",\"name\":\"" + bucketName("ghost") + "\"}"),
                    422, "projectId");
            assertProblem(api.post(BUCKETS, "{\"projectId\":\"nope\",\"name\":\"" + bucketName("ghost") + "\"}"), 422, "projectId");
            assertThat(bucketCount()).isEqualTo(before);
            assertThat(keys(project)).isEmpty();

            // a duplicate name in the same project
            String name = bucketName("dup");
            String id = createBucket(project, name).path("id").asText();
            assertProblem(api.post(BUCKETS, "{" + p + ",\"name\":\"" + name + "\"}"), 409, "name");
            assertThat(bucketIds(BUCKETS + "?projectId=" + project)).containsExactly(id);
            assertThat(bucketCount()).isEqualTo(before + 1);

            for (String path : List.of(BUCKETS + "/bkt_00000000000000000000000000", BUCKETS + "/nope")) {
                assertThat(api.get(path).status()).as(path).isEqualTo(404);
                assertThat(api.delete(path).status()).as(path).isEqualTo(404);
            }
            assertThat(api.get("/api/v1/projects/proj_00000000000000000000000000/storage-keys").status()).isEqualTo(404);
            assertThat(api.post("/api/v1/projects/proj_00000000000000000000000000/storage-keys", "").status()).isEqualTo(404);
            assertThat(new Api("strata_sk_wrong").get(BUCKETS).status()).isEqualTo(401);
            assertThat(new Api("strata_sk_wrong").post(BUCKETS, "{" + p + ",\"name\":\"" + bucketName("anon") + "\"}").status())
                    .isEqualTo(401);

            // another workspace: neither sees nor touches this one's buckets and keys, nor uses its projects
            String otherKey = "strata_sk_storageOther" + System.nanoTime();
            Tenants.insertWorkspaceWithKey(otherKey, false);
            Api other = new Api(otherKey);
            Api.Reply otherProject = other.post("/api/v1/projects", "{\"name\":\"Other tenant\"}");
            assertThat(otherProject.status()).as(otherProject.raw()).isEqualTo(201);
            String foreign = otherProject.text("id");
            try {
                assertProblem(api.post(BUCKETS, "{\"projectId\":\"" + foreign + "\",\"name\":\"" + bucketName("cross") + "\"}"),
                        422, "projectId");
                assertProblem(other.post(BUCKETS, "{" + p + ",\"name\":\"" + bucketName("cross") + "\"}"), 422, "projectId");
                assertThat(other.get(BUCKETS).json().path("data")).isEmpty();
                assertThat(other.get(BUCKETS + "/" + id).status()).isEqualTo(404);
                assertThat(other.delete(BUCKETS + "/" + id).status()).isEqualTo(404);
                String key = accessKeyIds(project).get(0);
                assertThat(other.get("/api/v1/projects/" + project + "/storage-keys").status()).isEqualTo(404);
                assertThat(other.post("/api/v1/projects/" + project + "/storage-keys", "").status()).isEqualTo(404);
                assertThat(other.delete("/api/v1/projects/" + project + "/storage-keys/" + key).status()).isEqualTo(404);
                assertThat(api.get(BUCKETS + "/" + id).status()).isEqualTo(200);
                assertThat(accessKeyIds(project)).containsExactly(key);
                assertThat(bucketCount()).isEqualTo(before + 1);
            } finally {
                try {
                    other.delete("/api/v1/projects/" + foreign);
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    // ---- 7. deleting a bucket ------------------------------------------------------------------------------

    @Test
    void deletingABucketEmptiesAndDropsIt() throws Exception {
        String project = createProject("Storage bucket delete");
        try {
            String doomed = bucketName("doomed");
            String kept = bucketName("kept");
            String doomedId = createBucket(project, doomed).path("id").asText();
            String keptId = createBucket(project, kept).path("id").asText();
            StorageEnv s = storageEnv(api, project);
            assertThat(s.bucket()).isEqualTo(doomed);
            try (S3Client s3 = s3(s)) {
                for (String key : List.of("a.txt", "nested/deep/b.txt", "nested/c.bin")) {
                    s3.putObject(r -> r.bucket(doomed).key(key), RequestBody.fromString("content of " + key));
                }
                String pending = s3.createMultipartUpload(r -> r.bucket(doomed).key("pending.bin")).uploadId();
                s3.uploadPart(r -> r.bucket(doomed).key("pending.bin").uploadId(pending).partNumber(1), RequestBody.fromString("part"));
                s3.putObject(r -> r.bucket(kept).key("stays.txt"), RequestBody.fromString("stays"));

                Api.Reply deleted = api.delete(BUCKETS + "/" + doomedId);
                assertThat(deleted.status()).as(deleted.raw()).isEqualTo(204);
                assertThat(api.get(BUCKETS + "/" + doomedId).status()).isEqualTo(404);
                assertThat(api.delete(BUCKETS + "/" + doomedId).status()).isEqualTo(404);
                assertThat(bucketIds(BUCKETS + "?projectId=" + project)).containsExactly(keptId);

                S3Exception gone = refused("HeadBucket of the deleted bucket", () -> s3.headBucket(r -> r.bucket(doomed)));
                assertThat(gone.statusCode()).isEqualTo(404);
                assertThat(refused("ListObjectsV2 of the deleted bucket", () -> s3.listObjectsV2(r -> r.bucket(doomed))).statusCode())
                        .isEqualTo(404);
                assertThat(bucketNames(s3)).containsExactly(kept);

                // the project, its key and its other bucket are untouched
                assertThat(s3.getObjectAsBytes(r -> r.bucket(kept).key("stays.txt")).asUtf8String()).isEqualTo("stays");
                assertThat(accessKeyIds(project)).containsExactly(s.key());
                assertThat(storageEnv(api, project).bucket()).isEqualTo(kept);
                assertThat(fileNames(projectDir(project))).doesNotContain("a.txt", "b.txt", "c.bin");

                // the name is free again, and a bucket made with it starts empty
                String againId = createBucket(project, doomed).path("id").asText();
                assertThat(againId).isNotEqualTo(doomedId);
                assertThat(s3.listObjectsV2(r -> r.bucket(doomed)).contents()).isEmpty();
                assertThat(s3.listMultipartUploads(r -> r.bucket(doomed)).uploads()).isEmpty();
            }
        } finally {
            deleteProjectQuietly(project);
        }
    }

    // ---- 8. deleting the project -------------------------------------------------------------------------

    @Test
    void deletingTheProjectRemovesItsBucketsKeysAndFiles() throws Exception {
        String project = createProject("Storage project delete");
        String bystander = createProject("Storage bystander");
        try {
            String b1 = bucketName("gone-one");
            String b2 = bucketName("gone-two");
            String id1 = createBucket(project, b1).path("id").asText();
            String id2 = createBucket(project, b2).path("id").asText();
            // a second key: every key must go
            assertThat(api.post("/api/v1/projects/" + project + "/storage-keys", "").status()).isEqualTo(201);
            String other = bucketName("bystander");
            createBucket(bystander, other);
            StorageEnv s = storageEnv(api, project);
            StorageEnv o = storageEnv(api, bystander);
            Map<String, String> allKeys = new LinkedHashMap<>();
            keys(project).forEach(k -> allKeys.put(k.path("accessKeyId").asText(), k.path("secretAccessKey").asText()));
            assertThat(allKeys).hasSize(2);
            Path dir = projectDir(project);
            try (S3Client s3 = s3(s); S3Client os3 = s3(o)) {
                s3.putObject(r -> r.bucket(b1).key("one.txt"), RequestBody.fromString("1"));
                s3.putObject(r -> r.bucket(b2).key("two/two.txt"), RequestBody.fromString("2"));
                os3.putObject(r -> r.bucket(other).key("survivor.txt"), RequestBody.fromString("survives"));
                assertThat(dir).isDirectory();

                Api.Reply deleted = api.delete("/api/v1/projects/" + project);
                assertThat(deleted.status()).as(deleted.raw()).isEqualTo(204);
                assertThat(api.get("/api/v1/projects/" + project).status()).isEqualTo(404);

                // the API forgets its buckets and keys
                assertThat(bucketIds(BUCKETS)).doesNotContain(id1, id2);
                assertThat(api.get(BUCKETS + "?projectId=" + project).json().path("data")).isEmpty();
                assertThat(api.get(BUCKETS + "/" + id1).status()).isEqualTo(404);
                assertThat(api.get(BUCKETS + "/" + id2).status()).isEqualTo(404);
                assertThat(api.get("/api/v1/projects/" + project + "/storage-keys").status()).isEqualTo(404);
                assertThat(api.get("/api/v1/projects/" + project + "/env").status()).isEqualTo(404);

                // the S3 endpoint refuses every key it had, on an open client too
                refusedWith403("ListBuckets with the deleted project's key", s3::listBuckets);
                refusedWith403("GetObject with the deleted project's key", () -> s3.getObjectAsBytes(r -> r.bucket(b1).key("one.txt")));
                refusedWith403("PutObject with the deleted project's key", () -> s3.putObject(r -> r.bucket(b1).key("late.txt"),
                        RequestBody.fromString("late")));
                for (Map.Entry<String, String> k : allKeys.entrySet()) {
                    try (S3Client fresh = s3(new StorageEnv(s.endpoint(), b1, k.getKey(), k.getValue(), s.region()))) {
                        S3Exception e = refusedWith403("ListBuckets with key " + k.getKey(), fresh::listBuckets);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId");
                    }
                }
                assertThat(accessKeyIds(bystander)).containsExactly(o.key());

                // and its files are gone
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(Files.exists(dir)).as(dir.toString()).isFalse());

                // the other project is unaffected
                assertThat(os3.getObjectAsBytes(r -> r.bucket(other).key("survivor.txt")).asUtf8String()).isEqualTo("survives");
                assertThat(bucketNames(os3)).containsExactly(other);
                assertThat(projectDir(bystander)).isDirectory();
            }
        } finally {
            deleteProjectQuietly(project);
            deleteProjectQuietly(bystander);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The project's {@code STORAGE_*} variables, as an application reads them. */
    record StorageEnv(String endpoint, String bucket, String key, String secret, String region) {
    }

    static StorageEnv storageEnv(Api api, String project) {
        Api.Reply r = api.get("/api/v1/projects/" + project + "/env");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        Map<String, String> vars = new LinkedHashMap<>();
        r.json().path("data").forEach(v -> vars.put(v.path("name").asText(), v.path("value").asText()));
        assertThat(vars).as(r.raw()).containsKeys("STORAGE_ENDPOINT", "STORAGE_BUCKET", "STORAGE_KEY", "STORAGE_SECRET", "STORAGE_REGION");
        return new StorageEnv(vars.get("STORAGE_ENDPOINT"), vars.get("STORAGE_BUCKET"), vars.get("STORAGE_KEY"),
                vars.get("STORAGE_SECRET"), vars.get("STORAGE_REGION"));
    }

    private List<String> envNames(String project) {
        Api.Reply r = api.get("/api/v1/projects/" + project + "/env");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().path("data").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    static S3Client s3(StorageEnv s) {
        return S3Client.builder()
                .endpointOverride(URI.create(s.endpoint()))
                .region(Region.of(s.region()))
                .forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.key(), s.secret())))
                .build();
    }

    static S3Presigner presigner(StorageEnv s) {
        return S3Presigner.builder()
                .endpointOverride(URI.create(s.endpoint()))
                .region(Region.of(s.region()))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.key(), s.secret())))
                .build();
    }

    private String createProject(String name) {
        Api.Reply r = api.post("/api/v1/projects", "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.text("id");
    }

    private JsonNode createBucket(String project, String name) {
        Api.Reply r = api.post(BUCKETS, "{\"projectId\":\"" + project + "\",\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.json();
    }

    /** For finally blocks: removes the project (and so its buckets) if it still exists, ignoring every failure. */
    private void deleteProjectQuietly(String project) {
        try {
            if (project != null && api.get("/api/v1/projects/" + project).status() == 200) {
                api.delete("/api/v1/projects/" + project);
            }
        } catch (RuntimeException | AssertionError e) {
            // best effort: the test already failed for a reason worth reporting
        }
    }

    private JsonNode keys(String project) {
        Api.Reply r = api.get("/api/v1/projects/" + project + "/storage-keys");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().path("data");
    }

    private List<String> accessKeyIds(String project) {
        List<String> ids = new ArrayList<>();
        keys(project).forEach(k -> ids.add(k.path("accessKeyId").asText()));
        return ids;
    }

    private List<String> bucketIds(String path) {
        Api.Reply r = api.get(path);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().path("data").forEach(b -> ids.add(b.path("id").asText()));
        return ids;
    }

    private int bucketCount() {
        return bucketIds(BUCKETS).size();
    }

    /** A problem response with this status, naming {@code field} among its errors (when given). */
    private static void assertProblem(Api.Reply r, int status, String field) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        if (field != null) {
            assertThat(StreamSupport.stream(r.json().path("errors").spliterator(), false).map(e -> e.path("field").asText()))
                    .as(r.raw()).contains(field);
        }
    }

    private static JsonNode find(JsonNode env, String name) {
        for (JsonNode v : env) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError(name + " not in " + env);
    }

    private static List<String> bucketNames(S3Client s3) {
        return s3.listBuckets().buckets().stream().map(Bucket::name).toList();
    }

    /** Key to size, in the order S3 lists them. */
    private static Map<String, Long> listing(S3Client s3, String bucket) {
        Map<String, Long> out = new LinkedHashMap<>();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(o -> out.put(o.key(), o.size()));
        return out;
    }

    /** The call must be refused by the endpoint: an S3 error 403 (AccessDenied) or 404 (NoSuchBucket). */
    private static S3Exception refused(String what, ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as(what + " must be refused").isInstanceOf(S3Exception.class);
        S3Exception e = (S3Exception) t;
        assertThat(e.statusCode()).as(what + ": " + e.getMessage()).isIn(403, 404);
        return e;
    }

    private static S3Exception refusedWith403(String what, ThrowingCallable call) {
        S3Exception e = refused(what, call);
        assertThat(e.statusCode()).as(what + ": " + e.getMessage()).isEqualTo(403);
        return e;
    }

    private static int status(Throwable t) {
        assertThat(t).isInstanceOf(S3Exception.class);
        return ((S3Exception) t).statusCode();
    }

    private static Path projectDir(String project) {
        return Host.DATA_DIR.resolve("objects").resolve("buckets").resolve(project);
    }

    private static List<String> fileNames(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        }
    }

    private static HttpResponse<byte[]> httpGet(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The URL with one hex digit of its {@code X-Amz-Signature} changed. */
    private static String tamperSignature(String url) {
        int i = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        return url.substring(0, i) + (url.charAt(i) == '0' ? '1' : '0') + url.substring(i + 1);
    }

    private static String errorCode(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        int i = s.indexOf("<Code>");
        return i < 0 ? "" : s.substring(i + 6, s.indexOf("</Code>", i));
    }

    private static String bucketName(String stem) {
        return "it-" + stem + "-" + RUN;
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

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
