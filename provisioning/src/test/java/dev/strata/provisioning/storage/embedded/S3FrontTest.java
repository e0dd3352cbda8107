package dev.strata.provisioning.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Strata's front of the S3 endpoint as EmbeddedObjectStore sets it up (locator, anonymous routing, the filter in
 * s3proxy's Jetty), driven by the AWS SDK and plain HTTP: CORS configuration and preflights, bucket policies
 * opening reads to everyone, lifecycle configuration and its application.
 */
class S3FrontTest {

    @TempDir
    Path data;

    private S3Proxy proxy;
    private S3Client s3;
    private S3Client other;
    private ProjectKeyLocator locator;
    private BucketConfigs configs;
    private String endpoint;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path objects = data.resolve("objects");
        Files.createDirectories(objects.resolve("anonymous-empty"));
        configs = new BucketConfigs(objects.resolve("bucket-config"));
        KeyDirectory keys = id -> switch (id) {
            case "key-a" -> Optional.of(new KeyDirectory.Entry("secret-a", "proj_a"));
            case "key-b" -> Optional.of(new KeyDirectory.Entry("secret-b", "proj_b"));
            default -> Optional.empty();
        };
        BucketRegistry registry = new BucketRegistry() {
            @Override
            public boolean created(String projectId, String bucket) {
                return true;
            }

            @Override
            public void deleted(String projectId, String bucket) {
            }

            @Override
            public dev.strata.domain.storage.StorageQuota quota(String projectId) {
                return dev.strata.domain.storage.StorageQuota.NONE;
            }
        };
        // the projects' files encrypted at rest, as EmbeddedObjectStore keeps them (the same master key across restarts)
        var master = new dev.strata.provisioning.secrets.SecretBox(new byte[32]);
        var sealed = new dev.strata.provisioning.storage.embedded.sealed.SealedFileSystem(new dev.strata.provisioning.storage.embedded.sealed.DataKeys(
                master, new dev.strata.provisioning.storage.embedded.sealed.KmsKeys(objects.resolve("kms-keys"), master, java.util.List.of())));
        serve(new ProjectKeyLocator(objects.resolve("buckets"), keys, registry, configs, sealed));
    }

    /** Serves S3 with Strata's front over {@code locator}'s projects, on a free port. */
    private void serve(ProjectKeyLocator locator) throws Exception {
        this.locator = locator;
        Path objects = data.resolve("objects");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        endpoint = "http://127.0.0.1:" + port;
        proxy = S3Proxy.builder()
                .blobStore(new AnonymousBuckets(new FilesystemNio2BlobStore(objects.resolve("anonymous-empty").toString()), locator, configs))
                .endpoint(URI.create(endpoint))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "unused", "unused-secret")
                .ignoreUnknownHeaders(true)
                .build();
        proxy.setBlobStoreLocator(locator);
        EmbeddedObjectStore.installFront(proxy, new S3Front(locator, configs));
        proxy.start();
        s3 = client("key-a", "secret-a");
        other = client("key-b", "secret-b");
    }

    private S3Client client(String key, String secret) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.US_EAST_1)
                .httpClientBuilder(AwsCrtHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret))).build();
    }

    @AfterEach
    void stop() throws Exception {
        s3.close();
        other.close();
        proxy.stop();
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void corsRulesAreStoredAndAnswerPreflightsAndActualRequests() throws Exception {
        s3.createBucket(b -> b.bucket("uploads"));
        S3Exception none = (S3Exception) catchThrowable(() -> s3.getBucketCors(b -> b.bucket("uploads")));
        assertThat(none.awsErrorDetails().errorCode()).isEqualTo("NoSuchCORSConfiguration");
        assertThat(send("OPTIONS", "/uploads/photo.jpg", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT").statusCode())
                .isEqualTo(403);

        s3.putBucketCors(b -> b.bucket("uploads").corsConfiguration(c -> c.corsRules(
                CORSRule.builder().allowedOrigins("https://*.example").allowedMethods("PUT", "GET").allowedHeaders("content-type", "x-amz-*")
                        .exposeHeaders("ETag").maxAgeSeconds(600).build())));
        assertThat(s3.getBucketCors(b -> b.bucket("uploads")).corsRules()).singleElement()
                .satisfies(r -> assertThat(r.allowedOrigins()).containsExactly("https://*.example"));
        // another project's key does not reach the configuration
        assertThat(((S3Exception) catchThrowable(() -> other.getBucketCors(b -> b.bucket("uploads")))).statusCode()).isEqualTo(404);

        var ok = send("OPTIONS", "/uploads/photo.jpg", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT",
                "Access-Control-Request-Headers", "Content-Type, X-Amz-Date");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
        assertThat(ok.headers().firstValue("Access-Control-Allow-Methods")).contains("PUT, GET");
        assertThat(ok.headers().firstValue("Access-Control-Allow-Headers")).contains("content-type, x-amz-date");
        assertThat(ok.headers().firstValue("Access-Control-Max-Age")).contains("600");
        assertThat(send("OPTIONS", "/uploads/photo.jpg", "Origin", "https://evil.test", "Access-Control-Request-Method", "PUT").statusCode()).isEqualTo(403);
        assertThat(send("OPTIONS", "/uploads/photo.jpg", "Origin", "https://app.example", "Access-Control-Request-Method", "DELETE").statusCode()).isEqualTo(403);
        assertThat(send("OPTIONS", "/uploads/photo.jpg", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT",
                "Access-Control-Request-Headers", "authorization-x").statusCode()).isEqualTo(403);

        s3.putObject(b -> b.bucket("uploads").key("photo.jpg"), RequestBody.fromString("jpeg"));
        // an actual request from the page carries the origin: the answer says the page may read it
        var signedGet = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder().endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1).serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key-a", "secret-a"))).build()
                .presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(5)).getObjectRequest(g -> g.bucket("uploads").key("photo.jpg")));
        var actual = http.send(HttpRequest.newBuilder(signedGet.url().toURI()).header("Origin", "https://app.example").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.body()).isEqualTo("jpeg");
        assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
        assertThat(actual.headers().firstValue("Access-Control-Expose-Headers")).contains("ETag");

        s3.deleteBucketCors(b -> b.bucket("uploads"));
        assertThat(send("OPTIONS", "/uploads/photo.jpg", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT").statusCode())
                .isEqualTo(403);

        var bad = (S3Exception) catchThrowable(() -> s3.putBucketCors(b -> b.bucket("uploads").corsConfiguration(c -> c.corsRules(
                CORSRule.builder().allowedOrigins("*").allowedMethods("PATCH").build()))));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
    }

    @Test
    void aPolicyOpensReadsToEveryoneAndNothingElse() throws Exception {
        s3.createBucket(b -> b.bucket("site"));
        s3.putObject(b -> b.bucket("site").key("index.html"), RequestBody.fromString("<h1>hi</h1>"));
        s3.putObject(b -> b.bucket("site").key("private/notes.txt"), RequestBody.fromString("secret"));
        assertThat(send("GET", "/site/index.html").statusCode()).isEqualTo(403);

        String policy = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::site/*"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:GetObject",
                 "Resource":"arn:aws:s3:::site/private/*"}]}""";
        s3.putBucketPolicy(b -> b.bucket("site").policy(policy));
        assertThat(s3.getBucketPolicy(b -> b.bucket("site")).policy()).isEqualTo(policy);

        var page = send("GET", "/site/index.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("<h1>hi</h1>");
        assertThat(send("GET", "/site/index.html", "Range", "bytes=1-2").body()).isEqualTo("h1");
        assertThat(send("GET", "/site/private/notes.txt").statusCode()).isEqualTo(403);
        assertThat(send("GET", "/site/").statusCode()).as("listing was not granted").isEqualTo(403);
        assertThat(send("PUT", "/site/evil.html").statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/site/index.html").statusCode()).isEqualTo(403);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("site").key("index.html")).asUtf8String()).isEqualTo("<h1>hi</h1>");

        // the same bucket name in a second project: a name two projects use is nobody's, anonymously
        other.createBucket(b -> b.bucket("site"));
        assertThat(send("GET", "/site/index.html").statusCode()).isIn(403, 404);
        other.deleteBucket(b -> b.bucket("site"));
        assertThat(send("GET", "/site/index.html").statusCode()).isEqualTo(200);

        var malformed = (S3Exception) catchThrowable(() -> s3.putBucketPolicy(b -> b.bucket("site")
                .policy("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::elsewhere/*\"}]}")));
        assertThat(malformed.awsErrorDetails().errorCode()).isEqualTo("MalformedPolicy");
        s3.deleteBucketPolicy(b -> b.bucket("site"));
        assertThat(send("GET", "/site/index.html").statusCode()).isEqualTo(403);
    }

    @Test
    void lifecycleRulesAreStoredAndExpireWhatTheySay() throws Exception {
        s3.createBucket(b -> b.bucket("logs"));
        s3.putBucketVersioning(b -> b.bucket("logs").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.putBucketLifecycleConfiguration(b -> b.bucket("logs").lifecycleConfiguration(l -> l.rules(
                LifecycleRule.builder().id("tmp").filter(f -> f.prefix("tmp/")).status(ExpirationStatus.ENABLED)
                        .expiration(e -> e.days(1)).noncurrentVersionExpiration(n -> n.noncurrentDays(1)).build(),
                LifecycleRule.builder().id("markers").filter(f -> f.prefix("")).status(ExpirationStatus.ENABLED)
                        .expiration(e -> e.expiredObjectDeleteMarker(true)).abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(1)).build())));
        assertThat(s3.getBucketLifecycleConfiguration(b -> b.bucket("logs")).rules()).extracting(LifecycleRule::id).containsExactly("tmp", "markers");

        s3.putObject(b -> b.bucket("logs").key("tmp/a.log"), RequestBody.fromString("a"));
        s3.putObject(b -> b.bucket("logs").key("keep/b.log"), RequestBody.fromString("b"));
        String upload = s3.createMultipartUpload(b -> b.bucket("logs").key("big.bin")).uploadId();
        var rules = LifecycleRules.parse(configs.read("proj_a", "logs", BucketConfigs.LIFECYCLE).orElseThrow());
        Duration day = Duration.ofSeconds(10); // listings date objects to the second

        // nothing is due yet
        assertThat(new LifecycleRun(s3, "logs", rules, day, Instant.now()).apply()).isZero();
        // a pass dated two "days" ahead: tmp/a.log gets a delete marker, which makes its data a noncurrent version
        // (also two days old, for this pass), which goes, which leaves the marker alone, which goes; the upload is
        // aborted; keep/b.log matches no expiring rule
        int removed = new LifecycleRun(s3, "logs", rules, day, Instant.now().plusSeconds(25)).apply();
        assertThat(s3.listObjectsV2(b -> b.bucket("logs")).contents()).extracting(o -> o.key()).containsExactly("keep/b.log");
        assertThat(s3.listMultipartUploads(b -> b.bucket("logs")).uploads()).isEmpty();
        // (whether the marker went in the same pass depends on the second it was listed in; by the next it has)
        removed += new LifecycleRun(s3, "logs", rules, day, Instant.now().plusSeconds(50)).apply();
        assertThat(removed).isEqualTo(4);
        assertThat(new LifecycleRun(s3, "logs", rules, day, Instant.now().plusSeconds(75)).apply()).isZero();
        var versions = s3.listObjectVersions(b -> b.bucket("logs"));
        assertThat(versions.versions()).extracting(v -> v.key()).containsExactly("keep/b.log");
        assertThat(versions.deleteMarkers()).isEmpty();
        assertThat(upload).isNotBlank();

        var days0 = (S3Exception) catchThrowable(() -> s3.putBucketLifecycleConfiguration(b -> b.bucket("logs").lifecycleConfiguration(l -> l.rules(
                LifecycleRule.builder().id("x").filter(f -> f.prefix("")).status(ExpirationStatus.ENABLED).expiration(e -> e.days(0)).build()))));
        assertThat(days0.statusCode()).isEqualTo(400);
        s3.deleteBucketLifecycle(b -> b.bucket("logs"));
        assertThat(((S3Exception) catchThrowable(() -> s3.getBucketLifecycleConfiguration(b -> b.bucket("logs")))).awsErrorDetails().errorCode())
                .isEqualTo("NoSuchLifecycleConfiguration");
    }

    @Test
    void objectTagsAreSetReadReplacedCopiedAndDropped() {
        s3.createBucket(b -> b.bucket("tags"));
        s3.putObject(b -> b.bucket("tags").key("a/report.csv").tagging("team=data&stage=raw%20input"), RequestBody.fromString("x"));
        var tags = s3.getObjectTagging(b -> b.bucket("tags").key("a/report.csv")).tagSet();
        assertThat(tags).extracting(t -> t.key() + "=" + t.value()).containsExactly("stage=raw input", "team=data"); // in key order
        assertThat(s3.headObject(b -> b.bucket("tags").key("a/report.csv")).sdkHttpResponse().firstMatchingHeader("x-amz-tagging-count")).contains("2");
        assertThat(s3.getObject(b -> b.bucket("tags").key("a/report.csv")).response().tagCount()).isEqualTo(2);

        s3.putObjectTagging(b -> b.bucket("tags").key("a/report.csv").tagging(t -> t.tagSet(
                software.amazon.awssdk.services.s3.model.Tag.builder().key("team").value("ops").build())));
        assertThat(s3.getObjectTagging(b -> b.bucket("tags").key("a/report.csv")).tagSet()).extracting(t -> t.value()).containsExactly("ops");

        s3.copyObject(b -> b.sourceBucket("tags").sourceKey("a/report.csv").destinationBucket("tags").destinationKey("copy.csv"));
        assertThat(s3.getObjectTagging(b -> b.bucket("tags").key("copy.csv")).tagSet()).extracting(t -> t.value()).containsExactly("ops");
        s3.copyObject(b -> b.sourceBucket("tags").sourceKey("a/report.csv").destinationBucket("tags").destinationKey("copy.csv")
                .taggingDirective(software.amazon.awssdk.services.s3.model.TaggingDirective.REPLACE).tagging("fresh=yes"));
        assertThat(s3.getObjectTagging(b -> b.bucket("tags").key("copy.csv")).tagSet()).extracting(t -> t.key()).containsExactly("fresh");

        // an overwrite starts without tags, as on S3
        s3.putObject(b -> b.bucket("tags").key("a/report.csv"), RequestBody.fromString("y"));
        assertThat(s3.getObjectTagging(b -> b.bucket("tags").key("a/report.csv")).tagSet()).isEmpty();

        var tooMany = (S3Exception) catchThrowable(() -> s3.putObject(b -> b.bucket("tags").key("many")
                .tagging("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11"), RequestBody.fromString("z")));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(((S3Exception) catchThrowable(() -> s3.headObject(b -> b.bucket("tags").key("many")))).statusCode())
                .as("refused before anything was stored").isEqualTo(404);
        var longKey = (S3Exception) catchThrowable(() -> s3.putObjectTagging(b -> b.bucket("tags").key("copy.csv").tagging(t -> t.tagSet(
                software.amazon.awssdk.services.s3.model.Tag.builder().key("k".repeat(129)).value("v").build()))));
        assertThat(longKey.awsErrorDetails().errorCode()).isEqualTo("InvalidTag");

        s3.deleteObjectTagging(b -> b.bucket("tags").key("copy.csv"));
        assertThat(s3.getObjectTagging(b -> b.bucket("tags").key("copy.csv")).tagSet()).isEmpty();
        assertThat(((S3Exception) catchThrowable(() -> s3.getObjectTagging(b -> b.bucket("tags").key("absent")))).statusCode()).isEqualTo(404);

        s3.putBucketTagging(b -> b.bucket("tags").tagging(t -> t.tagSet(
                software.amazon.awssdk.services.s3.model.Tag.builder().key("cost-center").value("42").build())));
        assertThat(s3.getBucketTagging(b -> b.bucket("tags")).tagSet()).extracting(t -> t.value()).containsExactly("42");
        s3.deleteBucketTagging(b -> b.bucket("tags"));
        assertThat(((S3Exception) catchThrowable(() -> s3.getBucketTagging(b -> b.bucket("tags")))).awsErrorDetails().errorCode())
                .isEqualTo("NoSuchTagSet");
    }

    @Test
    void theLargestTagSetS3AllowsIsKeptThoughItExceedsWhatAFilesAttributesHold() {
        s3.createBucket(b -> b.bucket("bigtags"));
        s3.putObject(b -> b.bucket("bigtags").key("k"), RequestBody.fromString("x"));
        java.util.List<software.amazon.awssdk.services.s3.model.Tag> tags = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // 128 + 256 characters, two UTF-8 bytes each: about 7.7 KiB, more than ext4's 4 KiB for all attributes
            tags.add(software.amazon.awssdk.services.s3.model.Tag.builder().key(i + "é".repeat(127)).value("ü".repeat(256)).build());
        }
        s3.putObjectTagging(b -> b.bucket("bigtags").key("k").tagging(t -> t.tagSet(tags)));
        assertThat(s3.getObjectTagging(b -> b.bucket("bigtags").key("k")).tagSet()).containsExactlyInAnyOrderElementsOf(tags);
        assertThat(s3.headObject(b -> b.bucket("bigtags").key("k")).sdkHttpResponse().firstMatchingHeader("x-amz-tagging-count"))
                .contains("10");
    }

    @Test
    void objectOwnershipIsKeptAndBucketOwnerEnforcedRefusesAcls() {
        s3.createBucket(b -> b.bucket("owned").objectOwnership(software.amazon.awssdk.services.s3.model.ObjectOwnership.BUCKET_OWNER_ENFORCED));
        assertThat(s3.getBucketOwnershipControls(b -> b.bucket("owned")).ownershipControls().rules().get(0).objectOwnership())
                .isEqualTo(software.amazon.awssdk.services.s3.model.ObjectOwnership.BUCKET_OWNER_ENFORCED);
        var refused = (S3Exception) catchThrowable(() -> s3.putObject(b -> b.bucket("owned").key("k")
                .acl(software.amazon.awssdk.services.s3.model.ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("x")));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessControlListNotSupported");
        assertThat(catchThrowable(() -> s3.headObject(b -> b.bucket("owned").key("k")))).isInstanceOf(S3Exception.class);
        s3.putObject(b -> b.bucket("owned").key("k"), RequestBody.fromString("x"));

        s3.putBucketOwnershipControls(b -> b.bucket("owned").ownershipControls(o -> o.rules(r ->
                r.objectOwnership(software.amazon.awssdk.services.s3.model.ObjectOwnership.OBJECT_WRITER))));
        s3.putObject(b -> b.bucket("owned").key("k2").acl(software.amazon.awssdk.services.s3.model.ObjectCannedACL.PRIVATE),
                RequestBody.fromString("y"));
        s3.deleteBucketOwnershipControls(b -> b.bucket("owned"));
        var none = (S3Exception) catchThrowable(() -> s3.getBucketOwnershipControls(b -> b.bucket("owned")));
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.awsErrorDetails().errorCode()).isEqualTo("OwnershipControlsNotFoundError");

        var badValue = (S3Exception) catchThrowable(() -> s3.createBucket(b -> b.bucket("owned2").objectOwnership("Nobody")));
        assertThat(badValue.statusCode()).isEqualTo(400);
        s3.createBucket(b -> b.bucket("public").acl(software.amazon.awssdk.services.s3.model.BucketCannedACL.PUBLIC_READ));
        var publicAcl = (S3Exception) catchThrowable(() -> s3.putBucketOwnershipControls(b -> b.bucket("public").ownershipControls(o ->
                o.rules(r -> r.objectOwnership(software.amazon.awssdk.services.s3.model.ObjectOwnership.BUCKET_OWNER_ENFORCED)))));
        assertThat(publicAcl.awsErrorDetails().errorCode()).isEqualTo("InvalidBucketAclWithObjectOwnership");
    }

    @Test
    void versionedObjectsKeepTagsPerVersion() {
        s3.createBucket(b -> b.bucket("vtags"));
        s3.putBucketVersioning(b -> b.bucket("vtags").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = s3.putObject(b -> b.bucket("vtags").key("k").tagging("v=1"), RequestBody.fromString("1")).versionId();
        String v2 = s3.putObject(b -> b.bucket("vtags").key("k").tagging("v=2"), RequestBody.fromString("2")).versionId();
        assertThat(s3.getObjectTagging(b -> b.bucket("vtags").key("k").versionId(v1)).tagSet()).extracting(t -> t.value()).containsExactly("1");
        assertThat(s3.getObjectTagging(b -> b.bucket("vtags").key("k").versionId(v2)).tagSet()).extracting(t -> t.value()).containsExactly("2");
        assertThat(s3.getObjectTagging(b -> b.bucket("vtags").key("k")).tagSet()).extracting(t -> t.value()).containsExactly("2");
    }

    @Test
    void objectLockKeepsLockedVersionsFromBeingDeleted() {
        s3.createBucket(b -> b.bucket("vault").objectLockEnabledForBucket(true));
        assertThat(s3.getBucketVersioning(b -> b.bucket("vault")).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        assertThat(s3.getObjectLockConfiguration(b -> b.bucket("vault")).objectLockConfiguration().objectLockEnabledAsString()).isEqualTo("Enabled");
        var suspend = (S3Exception) catchThrowable(() -> s3.putBucketVersioning(b -> b.bucket("vault")
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))));
        assertThat(suspend.awsErrorDetails().errorCode()).isEqualTo("InvalidBucketState");

        s3.putObjectLockConfiguration(b -> b.bucket("vault").objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
                .rule(r -> r.defaultRetention(d -> d.mode("GOVERNANCE").days(1)))));
        var bad = (S3Exception) catchThrowable(() -> s3.putObjectLockConfiguration(b -> b.bucket("vault").objectLockConfiguration(c -> c
                .objectLockEnabled("Enabled").rule(r -> r.defaultRetention(d -> d.mode("GOVERNANCE").days(0))))));
        assertThat(bad.awsErrorDetails().errorCode()).isEqualTo("InvalidRetentionPeriod");

        // the default retention (GOVERNANCE, a day) covers a new version: only a bypass deletes it
        String v1 = s3.putObject(b -> b.bucket("vault").key("backup.tar"), RequestBody.fromString("monday")).versionId();
        var head = s3.headObject(b -> b.bucket("vault").key("backup.tar"));
        assertThat(head.objectLockModeAsString()).isEqualTo("GOVERNANCE");
        assertThat(head.objectLockRetainUntilDate()).isAfter(Instant.now().plus(Duration.ofHours(23)));
        var refused = (S3Exception) catchThrowable(() -> s3.deleteObject(b -> b.bucket("vault").key("backup.tar").versionId(v1)));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        // deleting without a version id adds a delete marker: allowed, the locked version stays
        assertThat(s3.deleteObject(b -> b.bucket("vault").key("backup.tar")).deleteMarker()).isTrue();
        assertThat(s3.getObjectAsBytes(b -> b.bucket("vault").key("backup.tar").versionId(v1)).asUtf8String()).isEqualTo("monday");
        s3.deleteObject(b -> b.bucket("vault").key("backup.tar").versionId(v1).bypassGovernanceRetention(true));

        // COMPLIANCE: nobody deletes it, nobody shortens it
        Instant until = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String v2 = s3.putObject(b -> b.bucket("vault").key("ledger").objectLockMode("COMPLIANCE").objectLockRetainUntilDate(until),
                RequestBody.fromString("entries")).versionId();
        assertThat(s3.getObjectRetention(b -> b.bucket("vault").key("ledger")).retention().mode().toString()).isEqualTo("COMPLIANCE");
        assertThat(((S3Exception) catchThrowable(() -> s3.deleteObject(b -> b.bucket("vault").key("ledger").versionId(v2)
                .bypassGovernanceRetention(true)))).statusCode()).isEqualTo(403);
        assertThat(((S3Exception) catchThrowable(() -> s3.putObjectRetention(b -> b.bucket("vault").key("ledger").bypassGovernanceRetention(true)
                .retention(r -> r.mode("COMPLIANCE").retainUntilDate(until.minusSeconds(3600)))))).statusCode()).isEqualTo(403);
        s3.putObjectRetention(b -> b.bucket("vault").key("ledger").retention(r -> r.mode("COMPLIANCE").retainUntilDate(until.plusSeconds(3600))));

        // legal hold
        String v3 = s3.putObject(b -> b.bucket("vault").key("evidence"), RequestBody.fromString("x")).versionId();
        s3.putObjectLegalHold(b -> b.bucket("vault").key("evidence").legalHold(h -> h.status("ON")));
        assertThat(s3.getObjectLegalHold(b -> b.bucket("vault").key("evidence")).legalHold().statusAsString()).isEqualTo("ON");
        assertThat(((S3Exception) catchThrowable(() -> s3.deleteObject(b -> b.bucket("vault").key("evidence").versionId(v3)
                .bypassGovernanceRetention(true)))).statusCode()).isEqualTo(403);

        // a multi-delete deletes what it may and answers AccessDenied for the locked versions
        String free = s3.putObject(b -> b.bucket("vault").key("scratch"), RequestBody.fromString("s")).versionId();
        Instant scratchUntil = Instant.now().plusSeconds(1);
        s3.putObjectRetention(b -> b.bucket("vault").key("scratch").bypassGovernanceRetention(true)
                .retention(r -> r.mode("GOVERNANCE").retainUntilDate(scratchUntil)));
        // (the retention of "scratch" ends: a retention's end is a moment, waited for, not a synchronisation)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(scratchUntil.plusMillis(200)));
        var result = s3.deleteObjects(b -> b.bucket("vault").delete(d -> d.objects(
                software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key("ledger").versionId(v2).build(),
                software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key("scratch").versionId(free).build())));
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("ledger");
            assertThat(e.code()).isEqualTo("AccessDenied");
        });
        assertThat(result.deleted()).extracting(d -> d.key()).containsExactly("scratch");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("vault").key("ledger").versionId(v2)).asUtf8String()).isEqualTo("entries");

        // a multipart upload's lock headers reach the completed version
        String id = s3.createMultipartUpload(b -> b.bucket("vault").key("big").objectLockMode("COMPLIANCE").objectLockRetainUntilDate(until)).uploadId();
        String etag = s3.uploadPart(b -> b.bucket("vault").key("big").uploadId(id).partNumber(1), RequestBody.fromString("part")).eTag();
        String vb = s3.completeMultipartUpload(b -> b.bucket("vault").key("big").uploadId(id).multipartUpload(m -> m.parts(
                software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(etag).build()))).versionId();
        assertThat(((S3Exception) catchThrowable(() -> s3.deleteObject(b -> b.bucket("vault").key("big").versionId(vb)))).statusCode()).isEqualTo(403);
    }

    /**
     * Concurrent writes of one key in a versioned bucket with Object Lock (PUTs and copies, each asking its own
     * retention, legal hold and tags): every version carries what its own write asked, and the key's current version
     * is never seen without a retention (the attributes are on the file before it is published, not set afterwards on
     * whatever version is current by then).
     */
    @Test
    void concurrentWritesOfOneLockedKeyEachGetTheirOwnRetentionAndTagsFromTheFirstMoment() throws Exception {
        s3.createBucket(b -> b.bucket("vault").objectLockEnabledForBucket(true));
        s3.createBucket(b -> b.bucket("src"));
        s3.putObject(b -> b.bucket("src").key("seed"), RequestBody.fromString("seed"));
        Instant base = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        int writers = 6;
        int rounds = 8;
        record Wrote(String versionId, String mode, Instant until, boolean hold, String tag) {
        }
        var wrote = new java.util.concurrent.ConcurrentLinkedQueue<Wrote>();
        var seenWithout = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        s3.putObject(b -> b.bucket("vault").key("k").objectLockMode("GOVERNANCE").objectLockRetainUntilDate(base).tagging("by=first"),
                RequestBody.fromString("first"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers + 1);
        try {
            // the key's file as the store publishes it, read where it lies: a file at the key, the same file (inode) before
            // and after its attributes were read, that has no retention was visible without one
            Path current = data.resolve("objects/buckets/proj_a/vault").resolve(KeyCodec.encode("k"));
            var watcher = pool.submit(() -> {
                while (!done.get()) {
                    Object before;
                    try {
                        before = Files.readAttributes(current, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                    } catch (java.nio.file.NoSuchFileException between) {
                        continue; // s3proxy moves the current version aside, then renames the new one into place
                    }
                    boolean retained = ObjectLock.retention(current).isPresent();
                    boolean tagged = !ObjectTags.read(current).isEmpty();
                    Object after;
                    try {
                        after = Files.readAttributes(current, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                    } catch (java.nio.file.NoSuchFileException between) {
                        continue;
                    }
                    if (before.equals(after) && (!retained || !tagged)) {
                        seenWithout.add(Xattrs.read(current, "user.version-id").orElse("?") + (retained ? "" : " without retention")
                                + (tagged ? "" : " without tags"));
                    }
                }
                return null;
            });
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        String mode = (writer + r) % 2 == 0 ? "GOVERNANCE" : "COMPLIANCE";
                        Instant until = base.plusSeconds(60L * (writer * rounds + r + 1));
                        boolean hold = writer % 3 == 0;
                        String tag = "w" + writer + "r" + r;
                        String version;
                        if (r % 2 == 0) {
                            version = s3.putObject(b -> b.bucket("vault").key("k").objectLockMode(mode).objectLockRetainUntilDate(until)
                                    .objectLockLegalHoldStatus(hold ? "ON" : "OFF").tagging("by=" + tag), RequestBody.fromString(tag)).versionId();
                        } else {
                            version = s3.copyObject(b -> b.sourceBucket("src").sourceKey("seed").destinationBucket("vault").destinationKey("k")
                                    .objectLockMode(mode).objectLockRetainUntilDate(until).objectLockLegalHoldStatus(hold ? "ON" : "OFF")
                                    .taggingDirective("REPLACE").tagging("by=" + tag)).versionId();
                        }
                        wrote.add(new Wrote(version, mode, until, hold, tag));
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
            done.set(true);
            watcher.get(1, java.util.concurrent.TimeUnit.MINUTES);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        assertThat(wrote).hasSize(writers * rounds);
        assertThat(seenWithout).as("versions published without their retention or tags").isEmpty();
        for (Wrote w : wrote) {
            var head = s3.headObject(b -> b.bucket("vault").key("k").versionId(w.versionId()));
            assertThat(head.objectLockModeAsString()).as(w.tag()).isEqualTo(w.mode());
            assertThat(head.objectLockRetainUntilDate()).as(w.tag()).isEqualTo(w.until());
            assertThat(head.objectLockLegalHoldStatusAsString()).as(w.tag()).isEqualTo(w.hold() ? "ON" : "OFF");
            assertThat(s3.getObjectTagging(b -> b.bucket("vault").key("k").versionId(w.versionId())).tagSet())
                    .as(w.tag()).extracting(t -> t.key() + "=" + t.value()).containsExactly("by=" + w.tag());
        }

        // a write with If-None-Match: * is published by a link rather than a rename: its attributes come the same way
        Instant once = base.plusSeconds(7);
        String v = s3.putObject(b -> b.bucket("vault").key("once").ifNoneMatch("*").objectLockMode("COMPLIANCE")
                .objectLockRetainUntilDate(once).tagging("by=once"), RequestBody.fromString("once")).versionId();
        var head = s3.headObject(b -> b.bucket("vault").key("once").versionId(v));
        assertThat(head.objectLockModeAsString()).isEqualTo("COMPLIANCE");
        assertThat(head.objectLockRetainUntilDate()).isEqualTo(once);
        assertThat(s3.getObjectTagging(b -> b.bucket("vault").key("once")).tagSet()).extracting(t -> t.key() + "=" + t.value())
                .containsExactly("by=once");
        assertThat(((S3Exception) catchThrowable(() -> s3.putObject(b -> b.bucket("vault").key("once").ifNoneMatch("*"),
                RequestBody.fromString("again")))).statusCode()).isEqualTo(412);
    }

    /**
     * What CreateMultipartUpload asks of the object (retention, legal hold, tags) outlives a completion that fails
     * and a restart of the endpoint, reaches the object the retried completion makes, and goes with an aborted upload.
     */
    @Test
    void aMultipartUploadKeepsItsLockAndTagsThroughAFailedCompletionAndARestartUntilItCompletes() throws Exception {
        s3.createBucket(b -> b.bucket("vault").objectLockEnabledForBucket(true));
        s3.createBucket(b -> b.bucket("plain"));
        Instant until = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String locked = s3.createMultipartUpload(b -> b.bucket("vault").key("big").objectLockMode("COMPLIANCE")
                .objectLockRetainUntilDate(until).objectLockLegalHoldStatus("ON").tagging("kind=backup")).uploadId();
        String tagged = s3.createMultipartUpload(b -> b.bucket("plain").key("big").tagging("kind=log&day=monday")).uploadId();
        String lockedPart = s3.uploadPart(b -> b.bucket("vault").key("big").uploadId(locked).partNumber(1), RequestBody.fromString("part")).eTag();
        String taggedPart = s3.uploadPart(b -> b.bucket("plain").key("big").uploadId(tagged).partNumber(1), RequestBody.fromString("part")).eTag();

        // a completion naming a part that was never uploaded fails, and changes nothing
        for (String bucket : new String[] {"vault", "plain"}) {
            String id = bucket.equals("vault") ? locked : tagged;
            var failed = (S3Exception) catchThrowable(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key("big").uploadId(id)
                    .multipartUpload(m -> m.parts(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1)
                            .eTag("\"0123456789abcdef0123456789abcdef\"").build()))));
            assertThat(failed.statusCode()).as(bucket).isEqualTo(400);
            assertThat(failed.awsErrorDetails().errorCode()).as(bucket).isEqualTo("InvalidPart");
        }

        stop();
        start();

        String version = s3.completeMultipartUpload(b -> b.bucket("vault").key("big").uploadId(locked).multipartUpload(m -> m.parts(
                software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(lockedPart).build()))).versionId();
        var head = s3.headObject(b -> b.bucket("vault").key("big").versionId(version));
        assertThat(head.objectLockModeAsString()).isEqualTo("COMPLIANCE");
        assertThat(head.objectLockRetainUntilDate()).isEqualTo(until);
        assertThat(head.objectLockLegalHoldStatusAsString()).isEqualTo("ON");
        assertThat(head.metadata()).as("what the upload kept is no user metadata of the object").isEmpty();
        assertThat(s3.getObjectTagging(b -> b.bucket("vault").key("big")).tagSet())
                .extracting(t -> t.key() + "=" + t.value()).containsExactly("kind=backup");
        assertThat(((S3Exception) catchThrowable(() -> s3.deleteObject(b -> b.bucket("vault").key("big").versionId(version)
                .bypassGovernanceRetention(true)))).statusCode()).isEqualTo(403);

        s3.completeMultipartUpload(b -> b.bucket("plain").key("big").uploadId(tagged).multipartUpload(m -> m.parts(
                software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(taggedPart).build())));
        assertThat(s3.getObjectTagging(b -> b.bucket("plain").key("big")).tagSet())
                .extracting(t -> t.key() + "=" + t.value()).containsExactlyInAnyOrder("kind=log", "day=monday");

        // an aborted upload leaves nothing behind, its settings neither; a later upload of the key starts clean
        String aborted = s3.createMultipartUpload(b -> b.bucket("plain").key("gone").tagging("kind=scratch")).uploadId();
        s3.abortMultipartUpload(b -> b.bucket("plain").key("gone").uploadId(aborted));
        try (var files = Files.walk(data.resolve("objects/buckets"))) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.contains(aborted));
        }
        String next = s3.createMultipartUpload(b -> b.bucket("plain").key("gone")).uploadId();
        String nextPart = s3.uploadPart(b -> b.bucket("plain").key("gone").uploadId(next).partNumber(1), RequestBody.fromString("p")).eTag();
        s3.completeMultipartUpload(b -> b.bucket("plain").key("gone").uploadId(next).multipartUpload(m -> m.parts(
                software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(nextPart).build())));
        assertThat(s3.getObjectTagging(b -> b.bucket("plain").key("gone")).tagSet()).isEmpty();
    }

    /**
     * A write whose file is not published through the sealed file system (here: a store without it) never answers
     * 200 without its lock and tags: they are set on the version the answer names, right after.
     */
    @Test
    void aLockedWriteNotPublishedThroughTheSealedFileSystemStillGetsItsLockAndTags() throws Exception {
        stop();
        KeyDirectory keys = id -> "key-a".equals(id) ? Optional.of(new KeyDirectory.Entry("secret-a", "proj_a")) : Optional.empty();
        BucketRegistry registry = new BucketRegistry() {
            @Override
            public boolean created(String projectId, String bucket) {
                return true;
            }

            @Override
            public void deleted(String projectId, String bucket) {
            }

            @Override
            public dev.strata.domain.storage.StorageQuota quota(String projectId) {
                return dev.strata.domain.storage.StorageQuota.NONE;
            }
        };
        Files.createDirectories(data.resolve("objects").resolve("plain"));
        serve(new ProjectKeyLocator(data.resolve("objects").resolve("plain"), keys, registry, configs, null));
        s3.createBucket(b -> b.bucket("vault").objectLockEnabledForBucket(true));
        Instant until = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        s3.putObject(b -> b.bucket("vault").key("old"), RequestBody.fromString("old"));
        String v = s3.putObject(b -> b.bucket("vault").key("k").objectLockMode("COMPLIANCE").objectLockRetainUntilDate(until)
                .objectLockLegalHoldStatus("ON").tagging("by=put"), RequestBody.fromString("locked")).versionId();
        var head = s3.headObject(b -> b.bucket("vault").key("k").versionId(v));
        assertThat(head.objectLockModeAsString()).isEqualTo("COMPLIANCE");
        assertThat(head.objectLockRetainUntilDate()).isEqualTo(until);
        assertThat(head.objectLockLegalHoldStatusAsString()).isEqualTo("ON");
        assertThat(s3.getObjectTagging(b -> b.bucket("vault").key("k").versionId(v)).tagSet())
                .extracting(software.amazon.awssdk.services.s3.model.Tag::value).containsExactly("put");
        // a copy too
        String c = s3.copyObject(b -> b.sourceBucket("vault").sourceKey("old").destinationBucket("vault").destinationKey("copy")
                .objectLockMode("GOVERNANCE").objectLockRetainUntilDate(until)).versionId();
        assertThat(s3.headObject(b -> b.bucket("vault").key("copy").versionId(c)).objectLockModeAsString()).isEqualTo("GOVERNANCE");
    }

    @Test
    void aBucketWithoutObjectLockRefusesLockRequests() {
        s3.createBucket(b -> b.bucket("plain"));
        s3.putObject(b -> b.bucket("plain").key("k"), RequestBody.fromString("v"));
        assertThat(((S3Exception) catchThrowable(() -> s3.getObjectLockConfiguration(b -> b.bucket("plain")))).awsErrorDetails().errorCode())
                .isEqualTo("ObjectLockConfigurationNotFoundError");
        assertThat(((S3Exception) catchThrowable(() -> s3.putObjectRetention(b -> b.bucket("plain").key("k")
                .retention(r -> r.mode("GOVERNANCE").retainUntilDate(Instant.now().plusSeconds(60)))))).awsErrorDetails().errorCode())
                .isEqualTo("InvalidRequest");
        var unversioned = (S3Exception) catchThrowable(() -> s3.putObjectLockConfiguration(b -> b.bucket("plain").objectLockConfiguration(c -> c
                .objectLockEnabled("Enabled").rule(r -> r.defaultRetention(d -> d.mode("GOVERNANCE").days(1))))));
        assertThat(unversioned.statusCode()).isEqualTo(409);
        assertThat(unversioned.awsErrorDetails().errorCode()).isEqualTo("InvalidBucketState");
        s3.putBucketVersioning(b -> b.bucket("plain").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.putObjectLockConfiguration(b -> b.bucket("plain").objectLockConfiguration(c -> c.objectLockEnabled("Enabled")));
        assertThat(s3.getObjectLockConfiguration(b -> b.bucket("plain")).objectLockConfiguration().objectLockEnabledAsString()).isEqualTo("Enabled");
    }

    @Test
    void aPartOfAMultipartObjectIsServedByItsNumber() {
        s3.createBucket(b -> b.bucket("parts"));
        String id = s3.createMultipartUpload(b -> b.bucket("parts").key("video.mp4").contentType("video/mp4")).uploadId();
        byte[] first = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(first, (byte) 'a');
        String e1 = s3.uploadPart(b -> b.bucket("parts").key("video.mp4").uploadId(id).partNumber(1), RequestBody.fromBytes(first)).eTag();
        s3.uploadPart(b -> b.bucket("parts").key("video.mp4").uploadId(id).partNumber(2), RequestBody.fromString("first try"));
        String e2 = s3.uploadPart(b -> b.bucket("parts").key("video.mp4").uploadId(id).partNumber(2), RequestBody.fromString("second part")).eTag();
        assertThat(((S3Exception) catchThrowable(() -> s3.getObject(b -> b.bucket("parts").key("video.mp4").partNumber(1)))).statusCode())
                .as("not there before completion").isEqualTo(404);
        String etag = s3.completeMultipartUpload(b -> b.bucket("parts").key("video.mp4").uploadId(id).multipartUpload(m -> m.parts(
                software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(e1).build(),
                software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(2).eTag(e2).build()))).eTag();

        var two = s3.getObjectAsBytes(b -> b.bucket("parts").key("video.mp4").partNumber(2));
        assertThat(two.asUtf8String()).isEqualTo("second part");
        assertThat(two.response().partsCount()).isEqualTo(2);
        assertThat(two.response().eTag()).isEqualTo(etag);
        assertThat(two.response().contentType()).isEqualTo("video/mp4");
        var headOne = s3.headObject(b -> b.bucket("parts").key("video.mp4").partNumber(1));
        assertThat(headOne.contentLength()).isEqualTo(first.length);
        assertThat(headOne.partsCount()).isEqualTo(2);
        var beyond = (S3Exception) catchThrowable(() -> s3.getObject(b -> b.bucket("parts").key("video.mp4").partNumber(3)));
        assertThat(beyond.statusCode()).isEqualTo(400);
        assertThat(beyond.awsErrorDetails().errorCode()).isEqualTo("InvalidPart");

        s3.putObject(b -> b.bucket("parts").key("whole.txt"), RequestBody.fromString("body"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("parts").key("whole.txt").partNumber(1)).asUtf8String()).isEqualTo("body");
        assertThat(((S3Exception) catchThrowable(() -> s3.getObject(b -> b.bucket("parts").key("whole.txt").partNumber(2))))
                .awsErrorDetails().errorCode()).isEqualTo("InvalidPart");
    }

    @Test
    void aPublicAccessBlockKeepsABucketPrivateWhateverItsPolicyAndAcls() throws Exception {
        s3.createBucket(b -> b.bucket("shield"));
        s3.putObject(b -> b.bucket("shield").key("page.html"), RequestBody.fromString("page"));
        assertThat(s3.getBucketPolicyStatus(b -> b.bucket("shield")).policyStatus().isPublic()).isFalse();
        String publicPolicy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::shield/*\"}]}";
        s3.putBucketPolicy(b -> b.bucket("shield").policy(publicPolicy));
        assertThat(s3.getBucketPolicyStatus(b -> b.bucket("shield")).policyStatus().isPublic()).isTrue();
        assertThat(send("GET", "/shield/page.html").statusCode()).isEqualTo(200);

        assertThat(((S3Exception) catchThrowable(() -> s3.getPublicAccessBlock(b -> b.bucket("shield")))).awsErrorDetails().errorCode())
                .isEqualTo("NoSuchPublicAccessBlockConfiguration");
        s3.putPublicAccessBlock(b -> b.bucket("shield").publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .blockPublicPolicy(true).ignorePublicAcls(false).restrictPublicBuckets(true)));
        var conf = s3.getPublicAccessBlock(b -> b.bucket("shield")).publicAccessBlockConfiguration();
        assertThat(conf.restrictPublicBuckets()).isTrue();
        assertThat(conf.ignorePublicAcls()).isFalse();
        // the policy is still there, but nobody gets in without a key
        assertThat(send("GET", "/shield/page.html").statusCode()).isEqualTo(403);
        assertThat(((S3Exception) catchThrowable(() -> s3.putBucketPolicy(b -> b.bucket("shield").policy(publicPolicy)))).statusCode())
                .isEqualTo(403);
        assertThat(((S3Exception) catchThrowable(() -> s3.putObject(b -> b.bucket("shield").key("open.html")
                .acl(software.amazon.awssdk.services.s3.model.ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("x")))).statusCode())
                .isEqualTo(403);
        assertThat(((S3Exception) catchThrowable(() -> s3.putBucketAcl(b -> b.bucket("shield")
                .acl(software.amazon.awssdk.services.s3.model.BucketCannedACL.PUBLIC_READ)))).statusCode()).isEqualTo(403);
        s3.putObject(b -> b.bucket("shield").key("closed.html").acl(software.amazon.awssdk.services.s3.model.ObjectCannedACL.PRIVATE),
                RequestBody.fromString("y"));

        s3.deletePublicAccessBlock(b -> b.bucket("shield"));
        assertThat(send("GET", "/shield/page.html").statusCode()).isEqualTo(200);
    }

    @Test
    void aSubresourceRequestWithABadSignatureChangesNothing() throws Exception {
        s3.createBucket(b -> b.bucket("guarded"));
        try (S3Client forged = client("key-a", "not-the-secret")) {
            var e = (S3Exception) catchThrowable(() -> forged.putBucketPolicy(b -> b.bucket("guarded").policy(
                    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::guarded/*\"}]}")));
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
        }
        assertThat(send("PUT", "/guarded?policy").statusCode()).isEqualTo(403);
        assertThat(configs.read("proj_a", "guarded", BucketConfigs.POLICY)).isEmpty();
    }
}
