package dev.strata.provisioning.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import dev.strata.provisioning.storage.embedded.nio2blob.VersioningFilesystemBlobStore;
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
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The project store behind Strata's S3 endpoint, served by a real s3proxy and driven by the AWS SDK: keys that a
 * path-mapped store conflates or breaks, S3's listing order and grouping, multipart with a long key, and the move
 * of objects stored by earlier versions.
 */
class EncodedKeyBlobStoreTest {

    @TempDir
    Path data;

    private S3Proxy proxy;
    private S3Client s3;
    /** Strata's metadata as the store sees it: which buckets project p1 has. */
    private final java.util.Set<String> recorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final BucketRegistry registry = new BucketRegistry() {
        @Override
        public boolean created(String projectId, String bucket) {
            assertThat(projectId).isEqualTo("p1");
            return recorded.add(bucket);
        }

        @Override
        public void deleted(String projectId, String bucket) {
            recorded.remove(bucket);
        }

        @Override
        public dev.strata.domain.storage.StorageQuota quota(String projectId) {
            return quota;
        }
    };
    private volatile dev.strata.domain.storage.StorageQuota quota = dev.strata.domain.storage.StorageQuota.NONE;

    @BeforeEach
    void start() throws Exception {
        Path objects = data.resolve("objects");
        Files.createDirectories(objects.resolve("projects").resolve("p1"));
        startProxy(objects);
    }

    private void startProxy(Path objects) throws Exception {
        Path root = objects.resolve("buckets").resolve("p1");
        Files.createDirectories(root);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        proxy = S3Proxy.builder()
                .blobStore(new EncodedKeyBlobStore(root, new VersioningFilesystemBlobStore(root), "p1", registry,
                        new QuotaGate(root, () -> quota), null))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "key", "secret")
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        s3 = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                // the CRT client, not the JDK's HttpURLConnection: that one cannot read an answer sent before "100
                // Continue" (a refused upload fails as "Error writing request body" instead of showing the 403, as
                // the SDK documents) and, sharing one JVM-wide connection cache across the proxies these tests start
                // and stop, failed one upload in a few runs the same way (seen in CI)
                .httpClientBuilder(AwsCrtHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                // no retries: a PUT retried after a failed attempt that was stored anyway is a second version, which
                // the exact version listings below would report as a store bug; a failure must show as itself
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
    }

    private void put(String bucket, String key, String body) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
    }

    private void put(String key, String body) {
        s3.putObject(b -> b.bucket("bkt").key(key), RequestBody.fromString(body));
    }

    private String get(String key) {
        return s3.getObjectAsBytes(b -> b.bucket("bkt").key(key)).asUtf8String();
    }

    @Test
    void keysThatAPathMappedStoreConflatesAreSeparateObjects() {
        s3.createBucket(b -> b.bucket("bkt"));
        List<String> keys = List.of("a", "a/b", "c/d", "c", "dir/", "dir", "x/y", "x//y", "x/./y", "x/../y", "/", "//",
                "/lead", "trail/", ".hidden", "..", ".", "%2F", "a+b c", "ünïcödé/ключ", "emoji-\uD83D\uDE00", "~tilde~");
        for (String key : keys) {
            put(key, "body of " + key);
        }
        for (String key : keys) {
            assertThat(get(key)).as(key).isEqualTo("body of " + key);
        }
        assertThat(listAll(null, null)).containsExactlyElementsOf(keys.stream().sorted(KeyCodec.S3_ORDER).toList());

        s3.deleteObject(b -> b.bucket("bkt").key("a"));
        assertThat(get("a/b")).isEqualTo("body of a/b");
        assertThatThrownBy(() -> get("a")).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void aKeyOfTheLongestAllowedLengthRoundTrips() {
        s3.createBucket(b -> b.bucket("bkt"));
        String longKey = "é".repeat(511) + "z"; // 1023 bytes of UTF-8, 3067 characters once encoded
        String longWithSlashes = ("seg/".repeat(255)) + "end"; // 1023 bytes
        put(longKey, "long");
        put(longWithSlashes, "slashes");
        put(longKey.substring(0, 100), "prefix of the long key");
        assertThat(get(longKey)).isEqualTo("long");
        assertThat(get(longWithSlashes)).isEqualTo("slashes");
        assertThat(listAll(null, null)).containsExactlyInAnyOrder(longKey, longWithSlashes, longKey.substring(0, 100));
        s3.deleteObject(b -> b.bucket("bkt").key(longKey));
        s3.deleteObject(b -> b.bucket("bkt").key(longWithSlashes));
        assertThat(listAll(null, null)).containsExactly(longKey.substring(0, 100));
        s3.deleteObject(b -> b.bucket("bkt").key(longKey.substring(0, 100)));
        s3.deleteBucket(b -> b.bucket("bkt")); // nothing left behind, not even the directories of the long names
    }

    @Test
    void listingFollowsS3OrderPrefixAnyDelimiterAndPages() {
        s3.createBucket(b -> b.bucket("bkt"));
        for (String key : List.of("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg",
                "docs-1", "docs-2", "docs_3", "readme", "z\uFFFD", "z\uD83D\uDE00")) {
            put(key, key);
        }
        // UTF-8 byte order: U+FFFD sorts before U+1F600 (UTF-16 would put the surrogate pair first)
        assertThat(listAll(null, null)).endsWith("z\uFFFD", "z\uD83D\uDE00");

        ListObjectsV2Response slash = s3.listObjectsV2(b -> b.bucket("bkt").prefix("photos/").delimiter("/"));
        assertThat(slash.contents()).extracting(S3Object::key).containsExactly("photos/top.jpg");
        assertThat(slash.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("photos/2024/", "photos/2025/");

        ListObjectsV2Response dash = s3.listObjectsV2(b -> b.bucket("bkt").delimiter("-"));
        assertThat(dash.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("docs-");
        assertThat(dash.contents()).extracting(S3Object::key).contains("docs_3", "readme").doesNotContain("docs-1");

        ListObjectsV2Response multi = s3.listObjectsV2(b -> b.bucket("bkt").delimiter("20"));
        assertThat(multi.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("photos/20");

        // pages of 3 over keys and common prefixes alike, no entry twice, none missing
        List<String> paged = new ArrayList<>();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket("bkt").delimiter("/").maxKeys(3))) {
            assertThat(page.keyCount()).isLessThanOrEqualTo(3);
            page.contents().forEach(o -> paged.add(o.key()));
            page.commonPrefixes().forEach(p -> paged.add(p.prefix()));
        }
        assertThat(paged).doesNotHaveDuplicates();
        paged.sort(KeyCodec.S3_ORDER); // a page holds its keys and its prefixes in two lists
        assertThat(paged).containsExactly("docs-1", "docs-2", "docs_3", "photos/", "readme", "z\uFFFD", "z\uD83D\uDE00");

        // V1 with a marker
        var v1 = s3.listObjects(b -> b.bucket("bkt").marker("photos/2025/c.jpg").maxKeys(1));
        assertThat(v1.contents()).extracting(S3Object::key).containsExactly("photos/top.jpg");
        assertThat(v1.isTruncated()).isTrue();
    }

    @Test
    void multipartUploadAndCopyWithAwkwardKeys() {
        s3.createBucket(b -> b.bucket("bkt"));
        String key = "uploads//" + "ä/".repeat(150) + "file.bin";
        String id = s3.createMultipartUpload(b -> b.bucket("bkt").key(key).contentType("application/x-test")).uploadId();
        assertThat(s3.listMultipartUploads(b -> b.bucket("bkt")).uploads()).extracting(u -> u.key()).containsExactly(key);
        byte[] part1 = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(part1, (byte) 'x');
        String e1 = s3.uploadPart(b -> b.bucket("bkt").key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(part1)).eTag();
        String e2 = s3.uploadPart(b -> b.bucket("bkt").key(key).uploadId(id).partNumber(2), RequestBody.fromString("tail")).eTag();
        assertThat(s3.listParts(b -> b.bucket("bkt").key(key).uploadId(id)).parts()).hasSize(2);
        s3.completeMultipartUpload(b -> b.bucket("bkt").key(key).uploadId(id).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())));
        var head = s3.headObject(b -> b.bucket("bkt").key(key));
        assertThat(head.contentLength()).isEqualTo(part1.length + 4L);
        assertThat(head.contentType()).isEqualTo("application/x-test");
        assertThat(listAll(null, null)).containsExactly(key);

        s3.copyObject(b -> b.sourceBucket("bkt").sourceKey(key).destinationBucket("bkt").destinationKey("copy/./of"));
        assertThat(s3.headObject(b -> b.bucket("bkt").key("copy/./of")).contentLength()).isEqualTo(part1.length + 4L);
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket("bkt").key("copy/of"))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void objectsOfTheEarlierLayoutMoveWithTheirMetadata() throws Exception {
        stop();
        Path objects = data.resolve("objects");
        Path old = objects.resolve("projects").resolve("p1");
        var legacy = new FilesystemNio2BlobStore(old.toString());
        legacy.createContainer("bkt");
        legacy.putBlob(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket("bkt").key("a/b/c.txt")
                .contentType("text/plain").metadata(Map.of("owner", "ann")).build(),
                new java.io.ByteArrayInputStream("deep".getBytes(StandardCharsets.UTF_8)));
        legacy.putBlob(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket("bkt").key("top").build(),
                new java.io.ByteArrayInputStream("top".getBytes(StandardCharsets.UTF_8)));
        legacy.putBlob(software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket("bkt").key("folder/").build(),
                new java.io.ByteArrayInputStream(new byte[0]));
        Files.createDirectories(old.resolve("bkt").resolve(".mpus-unfinished"));
        Files.writeString(old.resolve("bkt").resolve(".mpus-unfinished").resolve("part"), "part");

        assertThat(new EncodedKeyMigration(objects).run()).isEqualTo(3);
        assertThat(new EncodedKeyMigration(objects).run()).isZero(); // done once: nothing the second time
        assertThat(old).doesNotExist();
        assertThat(objects.resolve("pre-encoding/p1/bkt/.mpus-unfinished/part")).hasContent("part");

        startProxy(objects);
        assertThat(get("a/b/c.txt")).isEqualTo("deep");
        var head = s3.headObject(b -> b.bucket("bkt").key("a/b/c.txt"));
        assertThat(head.contentType()).isEqualTo("text/plain");
        assertThat(head.metadata()).containsEntry("owner", "ann");
        assertThat(get("top")).isEqualTo("top");
        assertThat(listAll(null, null)).containsExactly("a/b/c.txt", "folder/", "top");
        // and the new layout takes what the old one refused
        put("top/under", "now possible");
        assertThat(get("top")).isEqualTo("top");
    }

    @Test
    void aNameTheCodecDidNotMakeIsNeverAnObject() throws IOException {
        s3.createBucket(b -> b.bucket("bkt"));
        put("k", "v");
        Path bucket = data.resolve("objects/buckets/p1/bkt");
        Files.writeString(bucket.resolve("%41"), "spelled differently"); // "A" is never escaped
        Files.writeString(bucket.resolve("bad%zz"), "not an escape");
        assertThat(listAll(null, null)).containsExactly("k");
        try (Stream<Path> files = Files.list(bucket)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("k", "%41", "bad%zz");
        }
    }

    @Test
    void aWriteCutShortIsNeverAnObjectAndIsSweptAtTheNextStart() throws Exception {
        s3.createBucket(b -> b.bucket("bkt"));
        put("report-2024.csv", "whole");
        Path bucket = data.resolve("objects/buckets/p1/bkt");
        String name = KeyCodec.encode("report-2024.csv");
        // what a SIGKILL during a PUT leaves: the temporary file the store writes before its rename
        Path cut = bucket.resolve(name + "-" + java.util.UUID.randomUUID());
        Files.writeString(cut, "half of the new bo");
        Path cutNew = bucket.resolve(KeyCodec.encode("new-key") + "-" + java.util.UUID.randomUUID());
        Files.writeString(cutNew, "half");
        assertThat(listAll(null, null)).containsExactly("report-2024.csv");
        assertThat(get("report-2024.csv")).isEqualTo("whole");

        stop();
        assertThat(EncodedKeyBlobStore.sweepUnpublished(data.resolve("objects/buckets"))).isEqualTo(2);
        assertThat(cut).doesNotExist();
        assertThat(cutNew).doesNotExist();
        startProxy(data.resolve("objects"));
        assertThat(get("report-2024.csv")).isEqualTo("whole");
    }

    @Test
    void bucketsCreatedAndDeletedThroughS3AreRecordedUnderStratasNameRules() {
        s3.createBucket(b -> b.bucket("made-by-s3"));
        assertThat(recorded).containsExactly("made-by-s3");
        put("made-by-s3", "k", "kept");
        s3.createBucket(b -> b.bucket("made-by-s3")); // the project's own bucket again: 200, nothing changes (us-east-1)
        assertThat(s3.getObjectAsBytes(b -> b.bucket("made-by-s3").key("k")).asUtf8String()).isEqualTo("kept");
        s3.deleteObject(b -> b.bucket("made-by-s3").key("k"));

        for (String bad : List.of("has.dots.in.it", "xn--reserved", "sthree-bucket")) {
            var refused = (software.amazon.awssdk.services.s3.model.S3Exception) org.assertj.core.api.Assertions.catchThrowable(
                    () -> s3.createBucket(b -> b.bucket(bad)));
            assertThat(refused).as(bad).isNotNull();
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.awsErrorDetails().errorCode()).as(bad).isEqualTo("InvalidBucketName");
        }
        assertThat(recorded).containsExactly("made-by-s3");
        assertThat(data.resolve("objects/buckets/p1")).isDirectoryNotContaining("glob:**/has.dots.in.it");

        s3.putObject(b -> b.bucket("made-by-s3").key("k"), RequestBody.fromString("v"));
        var notEmpty = (software.amazon.awssdk.services.s3.model.S3Exception) org.assertj.core.api.Assertions.catchThrowable(
                () -> s3.deleteBucket(b -> b.bucket("made-by-s3")));
        assertThat(notEmpty.statusCode()).isEqualTo(409);
        assertThat(recorded).containsExactly("made-by-s3");
        s3.deleteObject(b -> b.bucket("made-by-s3").key("k"));
        s3.deleteBucket(b -> b.bucket("made-by-s3"));
        assertThat(recorded).isEmpty();
    }

    @Test
    void versionsOfKeysThatSharedAPathAreKeptListedReadAndRestored() {
        s3.createBucket(b -> b.bucket("bkt"));
        s3.putBucketVersioning(b -> b.bucket("bkt").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = s3.putObject(b -> b.bucket("bkt").key("a"), RequestBody.fromString("a one")).versionId();
        String v2 = s3.putObject(b -> b.bucket("bkt").key("a"), RequestBody.fromString("a two")).versionId();
        String vb = s3.putObject(b -> b.bucket("bkt").key("a/b"), RequestBody.fromString("a/b one")).versionId();
        assertThat(List.of(v1, v2, vb)).doesNotContainNull().doesNotHaveDuplicates();

        var marker = s3.deleteObject(b -> b.bucket("bkt").key("a"));
        assertThat(marker.deleteMarker()).isTrue();
        assertThatThrownBy(() -> get("a")).isInstanceOf(NoSuchKeyException.class);
        assertThat(get("a/b")).isEqualTo("a/b one");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("a").versionId(v1)).asUtf8String()).isEqualTo("a one");

        var listed = s3.listObjectVersions(b -> b.bucket("bkt"));
        assertThat(listed.versions()).extracting(v -> v.key() + "@" + v.versionId())
                .containsExactly("a@" + v2, "a@" + v1, "a/b@" + vb);
        assertThat(listed.deleteMarkers()).singleElement().satisfies(m -> {
            assertThat(m.key()).isEqualTo("a");
            assertThat(m.isLatest()).isTrue();
        });
        var byDelimiter = s3.listObjectVersions(b -> b.bucket("bkt").delimiter("/"));
        assertThat(byDelimiter.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("a/");
        // pages of one entry, resumed by key and version markers, see every version once
        List<String> paged = new ArrayList<>();
        for (var page : s3.listObjectVersionsPaginator(b -> b.bucket("bkt").maxKeys(1))) {
            page.versions().forEach(v -> paged.add(v.versionId()));
            page.deleteMarkers().forEach(m -> paged.add(m.versionId()));
        }
        assertThat(paged).containsExactlyInAnyOrder(marker.versionId(), v2, v1, vb);

        // restore: remove the delete marker, then the newest version is current again
        s3.deleteObject(b -> b.bucket("bkt").key("a").versionId(marker.versionId()));
        assertThat(get("a")).isEqualTo("a two");
        // or copy an old version over the current one
        s3.copyObject(b -> b.sourceBucket("bkt").sourceKey("a").sourceVersionId(v1).destinationBucket("bkt").destinationKey("a"));
        assertThat(get("a")).isEqualTo("a one");
        assertThat(s3.listObjectVersions(b -> b.bucket("bkt").prefix("a/")).versions()).hasSize(1);
    }

    @Test
    void versionsStayDistinctAcrossARestartAndACutWriteIsRepaired() throws Exception {
        s3.createBucket(b -> b.bucket("bkt"));
        s3.putBucketVersioning(b -> b.bucket("bkt").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = s3.putObject(b -> b.bucket("bkt").key("doc"), RequestBody.fromString("one")).versionId();
        String v2 = s3.putObject(b -> b.bucket("bkt").key("doc"), RequestBody.fromString("two")).versionId();

        // a new process: s3proxy's counter starts again at 0, then is seeded as at class loading
        var field = org.gaul.s3proxy.nio2blob.AbstractNio2BlobStore.class.getDeclaredField("VERSION_SEQUENCE");
        field.setAccessible(true);
        ((java.util.concurrent.atomic.AtomicLong) field.get(null)).set(0);
        java.lang.reflect.Method seed = VersioningFilesystemBlobStore.class.getDeclaredMethod("seedVersionSequence");
        seed.setAccessible(true);
        seed.invoke(null);
        String v3 = s3.putObject(b -> b.bucket("bkt").key("doc"), RequestBody.fromString("three")).versionId();
        assertThat(v3).isNotIn(v1, v2);
        for (var e : Map.of(v1, "one", v2, "two", v3, "three").entrySet()) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("doc").versionId(e.getKey())).asUtf8String()).isEqualTo(e.getValue());
        }

        // a crash after the current version was moved aside and before its successor was renamed into place
        stop();
        Path bucket = data.resolve("objects/buckets/p1/bkt");
        Path current = bucket.resolve("doc");
        Path aside = bucket.resolve(".s3proxy-versions").resolve("ffffffffffffffffffffffffffffffff-9999999999999999");
        Files.move(current, aside);
        assertThat(VersioningFilesystemBlobStore.repair(data.resolve("objects/buckets"))).isEqualTo(1);
        startProxy(data.resolve("objects"));
        assertThat(get("doc")).isEqualTo("three");
        assertThat(s3.listObjectVersions(b -> b.bucket("bkt")).versions()).hasSize(3);
    }

    @Test
    void theProjectsQuotaRefusesWritesBeyondItWithS3sQuotaExceededAndDeletesFreeRoom() {
        quota = new dev.strata.domain.storage.StorageQuota(10_000L, 3L);
        s3.createBucket(b -> b.bucket("bkt"));
        put("one", "1");
        put("two", "2");
        put("three", "3");
        var full = (software.amazon.awssdk.services.s3.model.S3Exception) org.assertj.core.api.Assertions.catchThrowable(() -> put("four", "4"));
        assertThat(full.statusCode()).isEqualTo(403);
        assertThat(full.awsErrorDetails().errorCode()).isEqualTo("QuotaExceeded");
        put("three", "overwritten, not a new object"); // an overwrite adds no object
        s3.deleteObject(b -> b.bucket("bkt").key("one"));
        put("four", "4");
        var big = (software.amazon.awssdk.services.s3.model.S3Exception) org.assertj.core.api.Assertions.catchThrowable(
                () -> s3.putObject(b -> b.bucket("bkt").key("two"), RequestBody.fromBytes(new byte[20_000])));
        assertThat(big.statusCode()).isEqualTo(403);
        assertThat(get("two")).isEqualTo("2");
        assertThat(DiskUsage.ofBucket(data.resolve("objects/buckets/p1/bkt")))
                .isEqualTo(new dev.strata.domain.storage.StorageUsage(1 + 29 + 1, 3));
        quota = dev.strata.domain.storage.StorageQuota.NONE;
    }

    @Test
    void aBucketWithOnlyUnfinishedUploadsCanBeDeletedAndOneWithObjectsCannot() {
        s3.createBucket(b -> b.bucket("bkt"));
        s3.createMultipartUpload(b -> b.bucket("bkt").key("big/file.bin"));
        String id = s3.createMultipartUpload(b -> b.bucket("bkt").key("other")).uploadId();
        s3.uploadPart(b -> b.bucket("bkt").key("other").uploadId(id).partNumber(1), RequestBody.fromString("part"));
        put("kept", "an object");
        var refused = (software.amazon.awssdk.services.s3.model.S3Exception) org.assertj.core.api.Assertions.catchThrowable(
                () -> s3.deleteBucket(b -> b.bucket("bkt")));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(s3.listMultipartUploads(b -> b.bucket("bkt")).uploads()).hasSize(2);
        s3.deleteObject(b -> b.bucket("bkt").key("kept"));
        s3.deleteBucket(b -> b.bucket("bkt"));
        assertThat(data.resolve("objects/buckets/p1/bkt")).doesNotExist();
        assertThat(recorded).doesNotContain("bkt");
    }

    private List<String> listAll(String prefix, String delimiter) {
        List<String> keys = new ArrayList<>();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket("bkt").prefix(prefix).delimiter(delimiter).maxKeys(7))) {
            page.contents().forEach(o -> keys.add(o.key()));
        }
        return keys;
    }
}
