package dev.strata.provisioning.storage.embedded.sealed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.storage.embedded.StoreFactory;
import dev.strata.provisioning.storage.embedded.Xattrs;
import dev.strata.provisioning.storage.embedded.nio2blob.VersioningFilesystemBlobStore;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Objects encrypted at rest, through a real s3proxy over s3proxy's filesystem store on a {@link SealedFileSystem},
 * driven by the AWS SDK: what is on disk is not the content, everything S3 reads back is (whole, ranges across
 * part seams, copies, versions), ETags stay the MD5 of the content, SSE-C objects open only with their key, and
 * files written in the clear by an earlier Strata are sealed by the migration and read back unchanged.
 */
class SealedObjectsTest {

    private static final String KEY_A = "pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs=";
    private static final String KEY_A_MD5 = "DWygnHRtgiJ77HCm+1rvHw==";
    private static final String KEY_B = "6b+WOZ1T3cqZMxgThRcXAQBrS5mXKdDUphvpxptl9/4=";
    private static final String KEY_B_MD5 = "arxBvwY2V4SiOne6yppVPQ==";

    @TempDir
    Path root;

    private final SecretBox master = new SecretBox(new byte[32]);
    @TempDir
    Path kmsDir;

    private KmsKeys kms;
    private SealedFileSystem sealed;

    @org.junit.jupiter.api.BeforeEach
    void keys() {
        kms = new KmsKeys(kmsDir, master, List.of("testkey-1", "testkey-2"));
        sealed = new SealedFileSystem(new DataKeys(master, kms));
    }
    private S3Proxy proxy;
    private S3Client s3;

    private void start(BlobStore store) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        proxy = S3Proxy.builder().blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "key", "secret")
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        s3 = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .httpClientBuilder(AwsCrtHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                .build();
    }

    private void startSealed() throws Exception {
        start(StoreFactory.encoded(root, new VersioningFilesystemBlobStore(sealed.wrap(root))));
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

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String md5Hex(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    /** The only file under the bucket directory whose name is the (encoded) key. */
    private Path file(String bucket, String key) {
        return root.resolve(bucket).resolve(key);
    }

    private static boolean containsWindow(byte[] haystack, byte[] needle, int from, int len) {
        byte[] window = Arrays.copyOfRange(needle, from, from + len);
        outer:
        for (int i = 0; i + len <= haystack.length; i++) {
            for (int j = 0; j < len; j++) {
                if (haystack[i + j] != window[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void contentIsEncryptedOnDiskAndReadBackWholeAndInRanges() throws Exception {
        startSealed();
        s3.createBucket(b -> b.bucket("bkt"));
        byte[] content = random(1_000_003, 1);
        var put = s3.putObject(b -> b.bucket("bkt").key("obj"), RequestBody.fromBytes(content));
        assertThat(put.eTag()).isEqualTo("\"" + md5Hex(content) + "\"");
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);

        byte[] onDisk = Files.readAllBytes(file("bkt", "obj"));
        assertThat(onDisk).hasSameSizeAs(content).isNotEqualTo(content);
        assertThat(containsWindow(onDisk, content, 500_000, 32)).isFalse();
        assertThat(Xattrs.read(file("bkt", "obj"), DataKeys.ATTRIBUTE)).get().asString().startsWith("s1;m;");

        var got = s3.getObjectAsBytes(b -> b.bucket("bkt").key("obj"));
        assertThat(got.asByteArray()).isEqualTo(content);
        assertThat(got.response().eTag()).isEqualTo(put.eTag());
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        for (long[] r : new long[][] {{0, 0}, {1, 16}, {15, 17}, {16, 31}, {999_990, 1_000_002}, {123_457, 654_321}}) {
            byte[] part = s3.getObjectAsBytes(b -> b.bucket("bkt").key("obj").range("bytes=" + r[0] + "-" + r[1])).asByteArray();
            assertThat(part).isEqualTo(Arrays.copyOfRange(content, (int) r[0], (int) r[1] + 1));
        }
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("obj").range("bytes=-5")).asByteArray())
                .isEqualTo(Arrays.copyOfRange(content, content.length - 5, content.length));

        // the same content written twice is encrypted differently (a data key per file)
        s3.putObject(b -> b.bucket("bkt").key("again"), RequestBody.fromBytes(content));
        assertThat(Files.readAllBytes(file("bkt", "again"))).isNotEqualTo(onDisk);
    }

    @Test
    void multipartObjectsCopiesAndBucketDefaultsAreSealed() throws Exception {
        startSealed();
        s3.createBucket(b -> b.bucket("bkt"));
        byte[] one = random(5 * 1024 * 1024 + 7, 2);
        byte[] two = random(1_234_567, 3);
        String id = s3.createMultipartUpload(b -> b.bucket("bkt").key("mp")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        parts.add(CompletedPart.builder().partNumber(1).eTag(
                s3.uploadPart(b -> b.bucket("bkt").key("mp").uploadId(id).partNumber(1), RequestBody.fromBytes(one)).eTag()).build());
        parts.add(CompletedPart.builder().partNumber(2).eTag(
                s3.uploadPart(b -> b.bucket("bkt").key("mp").uploadId(id).partNumber(2), RequestBody.fromBytes(two)).eTag()).build());
        s3.completeMultipartUpload(b -> b.bucket("bkt").key("mp").uploadId(id).multipartUpload(m -> m.parts(parts)));
        byte[] whole = new byte[one.length + two.length];
        System.arraycopy(one, 0, whole, 0, one.length);
        System.arraycopy(two, 0, whole, one.length, two.length);
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("mp")).asByteArray()).isEqualTo(whole);
        long seam = one.length;
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("mp").range("bytes=" + (seam - 10) + "-" + (seam + 10))).asByteArray())
                .isEqualTo(Arrays.copyOfRange(whole, (int) seam - 10, (int) seam + 11));
        assertThat(Files.readAllBytes(file("bkt", "mp"))).hasSameSizeAs(whole).isNotEqualTo(whole);

        s3.copyObject(b -> b.sourceBucket("bkt").sourceKey("mp").destinationBucket("bkt").destinationKey("copy"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("copy")).asByteArray()).isEqualTo(whole);
        assertThat(Files.readAllBytes(file("bkt", "copy"))).isNotEqualTo(Files.readAllBytes(file("bkt", "mp")));

        s3.putBucketEncryption(b -> b.bucket("bkt").serverSideEncryptionConfiguration(c -> c.rules(r ->
                r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
        assertThat(s3.getBucketEncryption(b -> b.bucket("bkt")).serverSideEncryptionConfiguration().rules().get(0)
                .applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AES256);
    }

    @Test
    void customerKeyObjectsOpenOnlyWithTheirKey() throws Exception {
        startSealed();
        s3.createBucket(b -> b.bucket("bkt"));
        byte[] content = random(100_000, 4);
        s3.putObject(b -> b.bucket("bkt").key("c").sseCustomerAlgorithm("AES256").sseCustomerKey(KEY_A).sseCustomerKeyMD5(KEY_A_MD5),
                RequestBody.fromBytes(content));
        assertThat(Xattrs.read(file("bkt", "c"), DataKeys.ATTRIBUTE)).get().asString().startsWith("s1;c;");
        assertThat(Files.readAllBytes(file("bkt", "c"))).isNotEqualTo(content);

        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("bkt").key("c")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("bkt").key("c")
                .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY_B).sseCustomerKeyMD5(KEY_B_MD5)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isIn(400, 403));
        var got = s3.getObjectAsBytes(b -> b.bucket("bkt").key("c").range("bytes=10-99999")
                .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY_A).sseCustomerKeyMD5(KEY_A_MD5));
        assertThat(got.asByteArray()).isEqualTo(Arrays.copyOfRange(content, 10, content.length));
        assertThat(got.response().sseCustomerKeyMD5()).isEqualTo(KEY_A_MD5);

        // Strata itself cannot open it: the data key is sealed by the client's key, not the master key
        DataKeys keys = new DataKeys(master);
        String record = Xattrs.read(file("bkt", "c"), DataKeys.ATTRIBUTE).orElseThrow();
        assertThatThrownBy(() -> keys.open(record, null)).isInstanceOf(DataKeys.CustomerKeyException.class);
        assertThatThrownBy(() -> keys.open(record, Base64.getDecoder().decode(KEY_B))).isInstanceOf(DataKeys.CustomerKeyException.class);

        // a copy re-encrypts: from the customer's key to Strata's
        s3.copyObject(b -> b.sourceBucket("bkt").sourceKey("c").destinationBucket("bkt").destinationKey("plain")
                .copySourceSSECustomerAlgorithm("AES256").copySourceSSECustomerKey(KEY_A).copySourceSSECustomerKeyMD5(KEY_A_MD5));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("plain")).asByteArray()).isEqualTo(content);

        // multipart under a customer key
        byte[] one = random(5 * 1024 * 1024, 5);
        byte[] two = random(10, 6);
        String id = s3.createMultipartUpload(b -> b.bucket("bkt").key("mpc")
                .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY_A).sseCustomerKeyMD5(KEY_A_MD5)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        int n = 1;
        for (byte[] p : List.of(one, two)) {
            int number = n++;
            parts.add(CompletedPart.builder().partNumber(number).eTag(s3.uploadPart(b -> b.bucket("bkt").key("mpc").uploadId(id)
                    .partNumber(number).sseCustomerAlgorithm("AES256").sseCustomerKey(KEY_A).sseCustomerKeyMD5(KEY_A_MD5),
                    RequestBody.fromBytes(p)).eTag()).build());
        }
        s3.completeMultipartUpload(b -> b.bucket("bkt").key("mpc").uploadId(id).multipartUpload(m -> m.parts(parts))
                .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY_A).sseCustomerKeyMD5(KEY_A_MD5));
        byte[] got2 = s3.getObjectAsBytes(b -> b.bucket("bkt").key("mpc")
                .sseCustomerAlgorithm("AES256").sseCustomerKey(KEY_A).sseCustomerKeyMD5(KEY_A_MD5)).asByteArray();
        assertThat(got2).hasSize(one.length + two.length);
        assertThat(Arrays.copyOfRange(got2, one.length, got2.length)).isEqualTo(two);
        assertThat(Xattrs.read(file("bkt", "mpc"), DataKeys.ATTRIBUTE)).get().asString().startsWith("s1;c;");
    }

    @Test
    void sseKmsObjectsAreSealedByTheNamedKeyOfStratasKeyService() throws Exception {
        startSealed();
        s3.createBucket(b -> b.bucket("bkt"));
        byte[] content = random(50_000, 9);
        var put = s3.putObject(b -> b.bucket("bkt").key("k").serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("testkey-1"),
                RequestBody.fromBytes(content));
        assertThat(put.ssekmsKeyId()).isEqualTo("testkey-1");
        assertThat(Xattrs.read(file("bkt", "k"), DataKeys.ATTRIBUTE)).get().asString()
                .startsWith("s1;k;" + Base64.getEncoder().encodeToString("testkey-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ";");
        var got = s3.getObjectAsBytes(b -> b.bucket("bkt").key("k"));
        assertThat(got.asByteArray()).isEqualTo(content);
        assertThat(got.response().ssekmsKeyId()).isEqualTo("testkey-1");
        assertThat(Files.readAllBytes(file("bkt", "k"))).isNotEqualTo(content);
        // the named key is kept sealed by the master key; a second service over the same directory opens the object
        assertThat(kmsDir.resolve("testkey-1.key")).exists();
        assertThat(Files.readString(kmsDir.resolve("testkey-1.key"))).startsWith("v1:");
        DataKeys again = new DataKeys(master, new KmsKeys(kmsDir, master, List.of()));
        assertThat(again.open(Xattrs.read(file("bkt", "k"), DataKeys.ATTRIBUTE).orElseThrow(), null).key().getEncoded()).hasSize(32);

        // a bucket default under a KMS key applies to writes that name no encryption, multipart ones included
        s3.putBucketEncryption(b -> b.bucket("bkt").serverSideEncryptionConfiguration(c -> c.rules(r ->
                r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID("testkey-2")))));
        s3.putObject(b -> b.bucket("bkt").key("d"), RequestBody.fromBytes(content));
        assertThat(Xattrs.read(file("bkt", "d"), DataKeys.ATTRIBUTE)).get().asString()
                .startsWith("s1;k;" + Base64.getEncoder().encodeToString("testkey-2".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ";");
        String id = s3.createMultipartUpload(b -> b.bucket("bkt").key("m")).uploadId();
        String etag = s3.uploadPart(b -> b.bucket("bkt").key("m").uploadId(id).partNumber(1), RequestBody.fromBytes(content)).eTag();
        s3.completeMultipartUpload(b -> b.bucket("bkt").key("m").uploadId(id)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("m")).asByteArray()).isEqualTo(content);
        assertThat(Xattrs.read(file("bkt", "m"), DataKeys.ATTRIBUTE)).get().asString().startsWith("s1;k;");

        // a key the service does not offer, as a POST form names it (its fields reach the store unchecked): S3's 400, nothing stored
        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(() -> s3.putObject(b -> b.bucket("bkt").key("x")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("no-such-key"), RequestBody.fromBytes(content)),
                software.amazon.awssdk.services.s3.model.S3Exception.class);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("KMS.NotFoundException");
        assertThat(file("bkt", "x")).doesNotExist();
    }

    @Test
    void filesWrittenInTheClearAreSealedByTheMigrationAndReadBackUnchanged() throws Exception {
        // an earlier Strata: the same store, files in the clear
        start(StoreFactory.encoded(root, new VersioningFilesystemBlobStore(root)));
        s3.createBucket(b -> b.bucket("bkt"));
        s3.putBucketVersioning(b -> b.bucket("bkt").versioningConfiguration(v -> v.status("Enabled")));
        byte[] first = random(70_000, 7);
        byte[] second = random(80_000, 8);
        s3.putObject(b -> b.bucket("bkt").key("k").contentType("text/x-old"), RequestBody.fromBytes(first));
        s3.putObject(b -> b.bucket("bkt").key("k").contentType("text/x-old"), RequestBody.fromBytes(second));
        var before = s3.headObject(b -> b.bucket("bkt").key("k"));
        assertThat(Files.readAllBytes(file("bkt", "k"))).isEqualTo(second);
        stop();

        assertThat(SealAtRest.run(root, sealed)).isGreaterThanOrEqualTo(2);
        assertThat(Files.readAllBytes(file("bkt", "k"))).hasSameSizeAs(second).isNotEqualTo(second);
        assertThat(SealAtRest.run(root, sealed)).isZero();

        startSealed();
        var after = s3.getObjectAsBytes(b -> b.bucket("bkt").key("k"));
        assertThat(after.asByteArray()).isEqualTo(second);
        assertThat(after.response().eTag()).isEqualTo(before.eTag());
        assertThat(after.response().lastModified()).isEqualTo(before.lastModified());
        assertThat(after.response().contentType()).isEqualTo("text/x-old");
        var versions = s3.listObjectVersions(b -> b.bucket("bkt")).versions();
        assertThat(versions).hasSize(2);
        String older = versions.stream().filter(v -> !v.isLatest()).findFirst().orElseThrow().versionId();
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key("k").versionId(older)).asByteArray()).isEqualTo(first);
    }

    /**
     * What a power cut would find: the filesystem's own map of the file (FIEMAP, through e2fsprogs' filefrag). A
     * file written and not yet forced has blocks still waiting for delayed allocation, i.e. not on disk; an object
     * that a PUT or a completed multipart upload published must have none. The store here is s3proxy's alone,
     * without {@link dev.strata.provisioning.storage.embedded.EncodedKeyBlobStore}'s flush after the write, so only
     * forcing the temporary file before the rename can make it so.
     */
    @Test
    void anObjectIsOnDiskBeforeTheRenameThatPublishesItMakesItVisible() throws Exception {
        Path bucket = Files.createDirectories(root.resolve("bkt"));
        start(new VersioningFilesystemBlobStore(sealed.wrap(root)));
        // A sync of the whole filesystem by anything else on the host (another test's database server, say) flushes
        // every file, and would make the objects look forced whatever the store did: an attempt counts only when
        // the control, written just before and never forced, is still waiting for allocation after it.
        for (int attempt = 0; attempt < 10; attempt++) {
            int n = attempt;
            Path notForced = bucket.resolve("written-not-forced-" + n);
            try (var out = Files.newOutputStream(sealed.wrap(notForced))) {
                out.write(random(256 * 1024, 5));
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(waitingForAllocation(notForced),
                    "the filesystem under " + root + " shows no delayed allocation (ext4 and xfs do), so what is on disk cannot be told from what is cached");

            s3.putObject(b -> b.bucket("bkt").key("put-" + n), RequestBody.fromBytes(random(256 * 1024, 6)));
            String upload = s3.createMultipartUpload(b -> b.bucket("bkt").key("mpu-" + n)).uploadId();
            String etag = s3.uploadPart(b -> b.bucket("bkt").key("mpu-" + n).uploadId(upload).partNumber(1),
                    RequestBody.fromBytes(random(256 * 1024, 7))).eTag();
            s3.completeMultipartUpload(b -> b.bucket("bkt").key("mpu-" + n).uploadId(upload)
                    .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));

            if (waitingForAllocation(notForced)) {
                assertThat(waitingForAllocation(bucket.resolve("put-" + n))).as("a PUT's object has blocks not yet on disk").isFalse();
                assertThat(waitingForAllocation(bucket.resolve("mpu-" + n))).as("a completed upload's object has blocks not yet on disk").isFalse();
                return;
            }
        }
        org.junit.jupiter.api.Assumptions.abort("every attempt was cut by a flush of the whole filesystem: what the store forced cannot be told");
    }

    /** Whether part of {@code file} is in the page cache only: an extent that filefrag flags delalloc or unknown_loc. */
    private static boolean waitingForAllocation(Path file) throws Exception {
        Process p = new ProcessBuilder("filefrag", "-v", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("filefrag -v %s: %s", file, out).isZero();
        assertThat(out).as("filefrag maps %s", file).contains("extent");
        return out.contains("delalloc") || out.contains("unknown_loc");
    }

    @Test
    void theCounterAdvancesAcross128BitsAndWrapsLikeCounterMode() {
        byte[] max = new byte[16];
        Arrays.fill(max, (byte) 0xff);
        assertThat(CtrFileChannel.counterAt(max, 1)).isEqualTo(new byte[16]);
        byte[] low = new byte[16];
        low[15] = (byte) 0xff;
        byte[] next = CtrFileChannel.counterAt(low, 1);
        assertThat(next[14]).isEqualTo((byte) 1);
        assertThat(next[15]).isEqualTo((byte) 0);
    }
}
