package dev.strata.provisioning.storage.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.storage.BucketName;
import dev.strata.provisioning.storage.embedded.sealed.RequestKeys;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.SdkResponses;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclRequest;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A project's store: s3proxy's filesystem store underneath, every key turned into one file name by
 * {@link KeyCodec} on the way in and back on the way out, so that any S3 key round-trips byte for byte and no two
 * keys share a file. The filesystem store still does what it does well (atomic publication of a PUT by rename,
 * metadata in extended attributes beside the bytes, multipart parts, ACLs, conditional requests, ranges); listing is
 * done here, because S3 orders and groups keys by their bytes, whatever the delimiter, which a directory walk
 * cannot.
 * <p>
 * The class underneath must be one of s3proxy's filesystem stores (here
 * {@link dev.strata.provisioning.storage.embedded.nio2blob.VersioningFilesystemBlobStore}): s3proxy's front end
 * recognises the store behind a {@link ForwardingBlobStore} by its class and adapts to what that store can do
 * (multipart uploads by a stub object, If-None-Match done by the store).
 */
final class EncodedKeyBlobStore extends ForwardingBlobStore {

    /** The names s3proxy's front end gives its multipart stub objects: bookkeeping, never listed. */
    private static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";

    private static final java.util.regex.Pattern UNPUBLISHED =
            java.util.regex.Pattern.compile("(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EncodedKeyBlobStore.class.getName());

    private final Path root;

    /**
     * Removes what writes cut short by a crash left: the store writes an object (a PUT, a completed multipart
     * upload, a copy) to {@code <name>-<uuid>} and publishes it by renaming it to {@code <name>}; a file of that
     * shape is therefore never an object (an encoded name has no {@code -}) and, before the endpoint serves, never
     * a write in progress either. Returns how many were removed.
     */
    static int sweepUnpublished(Path projectsRoot) throws IOException {
        if (!Files.isDirectory(projectsRoot)) {
            return 0;
        }
        int[] removed = {0};
        try (var files = Files.walk(projectsRoot)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                var m = UNPUBLISHED.matcher(file.getFileName().toString());
                if (m.matches()) {
                    Files.deleteIfExists(file);
                    removed[0]++;
                    LOG.info(() -> "removed " + file + ": a write that did not finish before Strata stopped");
                }
            }
        }
        return removed[0];
    }

    private final String projectId;
    private final BucketRegistry registry;
    private final QuotaGate quota;
    private final BucketConfigs configs;

    /** Whether {@code name} is the temporary file of a write, never an object (see {@link #sweepUnpublished}). */
    static boolean unpublished(String name) {
        return UNPUBLISHED.matcher(name).matches();
    }

    /** {@code root}: the directory of the project's buckets, the one {@code delegate} stores under. */
    EncodedKeyBlobStore(Path root, BlobStore delegate) {
        this(root, delegate, null, null, null, null);
    }

    /**
     * A store whose bucket creations and deletions through S3 are recorded in Strata's metadata ({@code registry})
     * as buckets of {@code projectId}: the store project keys reach. Strata's own requests use one without.
     */
    EncodedKeyBlobStore(Path root, BlobStore delegate, String projectId, BucketRegistry registry, QuotaGate quota, BucketConfigs configs) {
        super(delegate);
        this.root = root;
        this.projectId = projectId;
        this.registry = registry;
        this.quota = quota;
        this.configs = configs;
    }

    /** A new bucket starts without CORS rules, policy or lifecycle (a crash may have left an old one's). */
    private void forgetConfigs(String bucket) {
        if (configs != null && projectId != null) {
            configs.forgetBucket(projectId, bucket);
        }
    }

    private void admit(Long bytes, long objects) {
        if (quota != null) {
            quota.admit(bytes == null ? 0 : Math.max(0, bytes), () -> objects);
        }
    }

    /** A write of {@code encodedKey}: one more object, unless it replaces one in a bucket that keeps no versions. */
    private void admitWrite(Long bytes, String bucket, String encodedKey) {
        if (quota != null) {
            quota.admit(bytes == null ? 0 : Math.max(0, bytes), () ->
                    delegate().getBucketVersioning(bucket) != software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED
                            && delegate().blobExists(bucket, encodedKey) ? 0 : 1);
        }
    }

    /**
     * CreateBucket: Strata's name rules, then the directory, then the record (a crash in between leaves an empty
     * directory without a record, removed at the next start).
     */
    @Override
    public CreateBucketResponse createContainer(CreateBucketRequest request) {
        if (registry == null) {
            CreateBucketResponse created = delegate().createContainer(request);
            forgetConfigs(request.bucket());
            return created;
        }
        try {
            new BucketName(request.bucket());
        } catch (InvalidInputException e) {
            throw s3Error(400, "InvalidBucketName", e.getMessage());
        }
        if (Files.isDirectory(root.resolve(request.bucket()))) {
            // the project's own bucket: 200 and nothing changes, as S3 answers in us-east-1
            return CreateBucketResponse.builder().build();
        }
        CreateBucketResponse created = delegate().createContainer(request);
        forgetConfigs(request.bucket());
        try {
            registry.created(projectId, request.bucket());
        } catch (RuntimeException e) {
            try {
                delegate().deleteBucket(request.bucket());
            } catch (RuntimeException notEmptyAnyMore) {
                LOG.warning(() -> "bucket " + request.bucket() + " of " + projectId + " could not be recorded nor removed: " + notEmptyAnyMore);
            }
            LOG.warning(() -> "recording bucket " + request.bucket() + " of " + projectId + " failed: " + e);
            throw s3Error(503, "ServiceUnavailable", "the bucket could not be recorded; try again");
        }
        return created;
    }

    /**
     * DeleteBucket: the directory (refused while an object, version or delete marker is in it; unfinished multipart
     * uploads are aborted, as S3 does), then the record.
     */
    @Override
    public void deleteBucket(String container) {
        try {
            delegate().deleteBucket(container);
        } catch (S3Exception e) {
            if (!"BucketNotEmpty".equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode()) || !onlyUploadsLeft(container)) {
                throw e;
            }
            abortUploads(container);
            delegate().deleteBucket(container);
        }
        forgetConfigs(container);
        if (registry != null) {
            registry.deleted(projectId, container);
        }
    }

    private boolean onlyUploadsLeft(String container) {
        return list(ListObjectsV2Request.builder().bucket(container).maxKeys(1).build()).contents().isEmpty()
                && (!supportsVersioning() || listVersions(ListObjectVersionsRequest.builder().bucket(container).maxKeys(1).build())
                        .versions().isEmpty()
                && listVersions(ListObjectVersionsRequest.builder().bucket(container).maxKeys(1).build()).deleteMarkers().isEmpty());
    }

    /** Removes what unfinished multipart uploads keep in the bucket: their parts and s3proxy's stub objects. */
    private void abortUploads(String container) {
        Path bucket = root.resolve(container);
        String stub = KeyCodec.encode(MULTIPART_STUB_PREFIX);
        try (var files = Files.walk(bucket)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(UploadStub.PREFIX) || name.startsWith(stub)) {
                    Files.deleteIfExists(f);
                }
            }
            try (var versions = Files.list(bucket)) {
                for (Path d : versions.filter(Files::isDirectory).toList()) {
                    try {
                        Files.deleteIfExists(d); // only if empty
                    } catch (java.nio.file.DirectoryNotEmptyException stillUsed) {
                        // something else lives there: the delete that follows says BucketNotEmpty
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        LOG.info(() -> "aborted the unfinished multipart uploads of bucket " + container + " (" + projectId + ") to delete it");
    }

    static S3Exception s3Error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    /**
     * The topmost directory between the bucket and the file of {@code encodedKey} that does not exist yet (the write
     * about to be made creates it), or null: see {@link #durable}.
     */
    private Path newDirectory(String container, String encodedKey) {
        Path bucket = root.resolve(container);
        Path missing = null;
        for (Path dir = bucket.resolve(encodedKey).getParent(); dir != null && dir.startsWith(bucket) && !dir.equals(bucket)
                && !Files.isDirectory(dir); dir = dir.getParent()) {
            missing = dir;
        }
        return missing;
    }

    /**
     * Makes the directories a write created survive a power loss before it is acknowledged. The write itself (its
     * file, forced before it is renamed or linked to the key, and the directory holding the key) is made durable by
     * the sealed file system, which publishes it ({@code SealedFileSystemProvider.move}); what remains are the
     * directories above that one when the write made them ({@code newDirectory}, found before it): each entry of a
     * new directory, up to the first directory that already existed.
     */
    private void durable(String container, String encodedKey, Path newDirectory) {
        if (newDirectory == null) {
            return;
        }
        Path file = root.resolve(container).resolve(encodedKey);
        try {
            for (Path dir = file.getParent().getParent(); dir != null; dir = dir.getParent()) {
                Durable.force(dir);
                if (dir.equals(newDirectory.getParent())) {
                    break;
                }
            }
        } catch (java.nio.file.NoSuchFileException replacedOrDeleted) {
            // a later write or a delete of the same key got there first; it makes its own state durable
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot flush the directories of " + file + " to disk: " + e.getMessage(), e);
        }
    }

    /**
     * The key of Strata's key service that seals what a write stores (SSE-KMS): the one the request names, or, for a
     * request that names no encryption at all, the bucket's default (as s3proxy applies it); null otherwise.
     */
    private String kmsKeyOf(String bucket, String algorithm, String kmsKeyId, String customerKey) {
        if (customerKey != null) {
            return null;
        }
        if (algorithm != null) {
            return algorithm.startsWith("aws:kms") ? offeredKms(kmsKeyId) : null;
        }
        java.nio.file.Path dir = root.resolve(bucket);
        return offeredKms(Xattrs.read(dir, "user.bucket-encryption-algorithm").filter(a -> a.startsWith("aws:kms"))
                .flatMap(a -> Xattrs.read(dir, "user.bucket-encryption-kms-key-id")).orElse(null));
    }

    /**
     * {@code kmsKeyId} when Strata's key service offers it; S3's {@code 400 KMS.NotFoundException} before anything is
     * written otherwise (a POST form or a bucket default naming a key the operator no longer lists; the headers of
     * other writes are checked earlier, by {@link S3Front}).
     */
    private String offeredKms(String kmsKeyId) {
        if (kmsKeyId != null && delegate() instanceof dev.strata.provisioning.storage.embedded.nio2blob.VersioningFilesystemBlobStore files && !files.sealsWithKmsKey(kmsKeyId)) {
            throw s3Error(400, "KMS.NotFoundException", "Invalid keyId " + kmsKeyId + ": Strata's key service offers the keys listed in STRATA_KMS_KEYS");
        }
        return kmsKeyId;
    }

    @Override
    public boolean blobExists(String container, String name) {
        return delegate().blobExists(container, KeyCodec.encode(name));
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, java.io.InputStream payload) {
        String key = KeyCodec.encode(request.key());
        admitWrite(request.contentLength(), request.bucket(), key);
        String kms = kmsKeyOf(request.bucket(), request.serverSideEncryptionAsString(), request.ssekmsKeyId(), request.sseCustomerKey());
        Path created = newDirectory(request.bucket(), key);
        PutObjectResponse put = RequestKeys.with(null, request.sseCustomerKey(), kms,
                () -> delegate().putBlob(request.toBuilder().key(key).build(), payload));
        durable(request.bucket(), key, created);
        return put;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        if (quota != null) {
            HeadObjectResponse source = blobMetadata(HeadObjectRequest.builder().bucket(request.sourceBucket())
                    .key(request.sourceKey()).versionId(request.sourceVersionId()).build());
            admitWrite(source.contentLength(), request.destinationBucket(), KeyCodec.encode(request.destinationKey()));
        }
        String destination = KeyCodec.encode(request.destinationKey());
        String kms = kmsKeyOf(request.destinationBucket(), request.serverSideEncryptionAsString(), request.ssekmsKeyId(), request.sseCustomerKey());
        Path created = newDirectory(request.destinationBucket(), destination);
        CopyObjectResponse copied = RequestKeys.with(request.copySourceSSECustomerKey(), request.sseCustomerKey(), kms,
                () -> delegate().copyBlob(request.toBuilder()
                        .sourceKey(KeyCodec.encode(request.sourceKey()))
                        .destinationKey(destination)
                        .build()));
        durable(request.destinationBucket(), destination, created);
        return copied;
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        return delegate().blobMetadata(request.toBuilder().key(KeyCodec.encode(request.key())).build());
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        return RequestKeys.with(request.sseCustomerKey(), null,
                () -> delegate().getBlob(request.toBuilder().key(KeyCodec.encode(request.key())).build()));
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        try {
            return delegate().removeBlob(request.toBuilder().key(KeyCodec.encode(request.key())).build());
        } catch (S3Exception e) {
            // deleting a version that is not there (any more: another delete got there first) is done, as in S3:
            // concurrent DeleteObjects of the same versions all report them deleted
            if (request.versionId() != null && e.statusCode() == 404 && e.awsErrorDetails() != null
                    && "NoSuchVersion".equals(e.awsErrorDetails().errorCode())) {
                return DeleteObjectResponse.builder().versionId(request.versionId()).build();
            }
            throw e;
        } finally {
            if (quota != null) {
                quota.changed();
            }
        }
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name) {
        return delegate().getBlobAccess(container, KeyCodec.encode(name));
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name, String versionId) {
        return delegate().getBlobAccess(container, KeyCodec.encode(name), versionId);
    }

    @Override
    public GetObjectAclResponse getBlobAcl(GetObjectAclRequest request) {
        return delegate().getBlobAcl(request.toBuilder().key(KeyCodec.encode(request.key())).build());
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access) {
        delegate().setBlobAccess(container, KeyCodec.encode(name), access);
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access, String versionId) {
        delegate().setBlobAccess(container, KeyCodec.encode(name), access, versionId);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        MultipartUpload stored = delegate().initiateMultipartUpload(request.toBuilder().key(KeyCodec.encode(request.key())).build());
        return new MultipartUpload(stored.id(), request, stored.response());
    }

    @Override
    public void abortMultipartUpload(MultipartUpload mpu) {
        delegate().abortMultipartUpload(encoded(mpu));
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload mpu, CompleteMultipartUploadRequest request) {
        String key = KeyCodec.encode(request.key());
        admitWrite(0L, request.bucket(), key);
        // the parts' sizes, in the order completed: s3proxy joins them into one file, GET ?partNumber needs the seams
        Map<Integer, Long> sizes = new java.util.HashMap<>();
        delegate().listMultipartUpload(encoded(mpu)).forEach(p -> sizes.put(p.partNumber(), p.size()));
        List<Long> seams = request.multipartUpload() == null ? List.of()
                : request.multipartUpload().parts().stream().map(p -> sizes.getOrDefault(p.partNumber(), -1L)).toList();
        // the parts are opened and the object sealed with the client's key when the upload has one (SSE-C)
        Path stub = UploadStub.path(root.resolve(request.bucket()), mpu.id(), key);
        String kms = Xattrs.read(stub, "user.sse-algorithm").filter(a -> a.startsWith("aws:kms"))
                .flatMap(a -> Xattrs.read(stub, "user.sse-kms-key-id")).orElse(null);
        Path created = newDirectory(request.bucket(), key);
        CompleteMultipartUploadResponse done = RequestKeys.with(request.sseCustomerKey(), request.sseCustomerKey(), kms,
                () -> delegate().completeMultipartUpload(encoded(mpu), request.toBuilder().key(key).build()));
        if (!seams.isEmpty() && !seams.contains(-1L)) {
            PartSeams.write(root.resolve(request.bucket()).resolve(key), seams);
        }
        durable(request.bucket(), key, created);
        return done.key() == null ? done : done.toBuilder().key(request.key()).build();
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload mpu, UploadPartRequest request, java.io.InputStream is) {
        admit(request.contentLength(), 0);
        return RequestKeys.with(null, request.sseCustomerKey(),
                () -> delegate().uploadMultipartPart(encoded(mpu), request.toBuilder().key(KeyCodec.encode(request.key())).build(), is));
    }

    @Override
    public List<Part> listMultipartUpload(MultipartUpload mpu) {
        return delegate().listMultipartUpload(encoded(mpu));
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
        List<software.amazon.awssdk.services.s3.model.MultipartUpload> out = new ArrayList<>();
        for (var upload : delegate().listMultipartUploads(container)) {
            KeyCodec.decode(upload.key()).ifPresent(key -> out.add(upload.toBuilder().key(key).build()));
        }
        out.sort((a, b) -> KeyCodec.S3_ORDER.compare(a.key(), b.key()));
        return out;
    }

    /** Same prefix, delimiter (any string), marker and page size semantics as S3, over the decoded keys. */
    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        String prefix = request.prefix() == null ? "" : request.prefix();
        String delimiter = request.delimiter() == null || request.delimiter().isEmpty() ? null : request.delimiter();
        String marker = request.continuationToken() != null ? request.continuationToken() : request.startAfter();
        int maxKeys = request.maxKeys() == null ? 1000 : Math.max(0, request.maxKeys());

        ListObjectsV2Response all = delegate().list(ListObjectsV2Request.builder().bucket(request.bucket()).build());
        // one entry per key or common prefix, in S3's order; a prefix stands for every key it rolls up
        TreeMap<String, Optional<S3Object>> entries = new TreeMap<>(KeyCodec.S3_ORDER);
        for (S3Object stored : all.contents()) {
            Optional<String> decoded = KeyCodec.decode(stored.key());
            if (decoded.isEmpty()) {
                continue; // bookkeeping of the store underneath
            }
            String key = decoded.get();
            if (!key.startsWith(prefix) || key.startsWith(MULTIPART_STUB_PREFIX)) {
                continue;
            }
            int cut = delimiter == null ? -1 : key.indexOf(delimiter, prefix.length());
            if (cut >= 0) {
                entries.put(key.substring(0, cut + delimiter.length()), Optional.empty());
            } else {
                entries.put(key, Optional.of(stored.toBuilder().key(key).build()));
            }
        }
        var page = marker == null ? entries : entries.tailMap(marker, false);
        List<S3Object> contents = new ArrayList<>();
        List<CommonPrefix> prefixes = new ArrayList<>();
        String next = null;
        int taken = 0;
        for (var entry : page.entrySet()) {
            if (taken == maxKeys) {
                next = maxKeys == 0 ? null : lastOf(contents, prefixes);
                break;
            }
            entry.getValue().ifPresentOrElse(contents::add, () -> prefixes.add(SdkResponses.commonPrefix(entry.getKey())));
            taken++;
        }
        return SdkResponses.objectsPage(contents, prefixes, next);
    }

    /**
     * ListObjectVersions over the decoded keys: keys in S3's order, each key's versions and delete markers newest
     * first, a common prefix (any delimiter) standing for all of its keys' versions; key-marker and
     * version-id-marker resume after the entry they name.
     */
    @Override
    public ListObjectVersionsResponse listVersions(ListObjectVersionsRequest request) {
        String prefix = request.prefix() == null ? "" : request.prefix();
        String delimiter = request.delimiter() == null || request.delimiter().isEmpty() ? null : request.delimiter();
        int maxKeys = request.maxKeys() == null ? 1000 : Math.max(0, request.maxKeys());
        ListObjectVersionsResponse all = delegate().listVersions(ListObjectVersionsRequest.builder()
                .bucket(request.bucket()).maxKeys(Integer.MAX_VALUE).build());

        record Row(String key, String versionId, java.time.Instant lastModified, ObjectVersion version, DeleteMarkerEntry marker) {
        }
        List<Row> rows = new ArrayList<>();
        for (ObjectVersion v : all.versions()) {
            KeyCodec.decode(v.key()).filter(k -> k.startsWith(prefix) && !k.startsWith(MULTIPART_STUB_PREFIX))
                    .ifPresent(k -> rows.add(new Row(k, v.versionId(), v.lastModified(), v.toBuilder().key(k).build(), null)));
        }
        for (DeleteMarkerEntry m : all.deleteMarkers()) {
            KeyCodec.decode(m.key()).filter(k -> k.startsWith(prefix) && !k.startsWith(MULTIPART_STUB_PREFIX))
                    .ifPresent(k -> rows.add(new Row(k, m.versionId(), m.lastModified(), null, m.toBuilder().key(k).build())));
        }
        rows.sort(java.util.Comparator.comparing(Row::key, KeyCodec.S3_ORDER)
                .thenComparing(Row::lastModified, java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder())));

        // entries in order: a row, or a common prefix (once) in place of the rows it rolls up
        List<Object> entries = new ArrayList<>();
        String lastPrefix = null;
        for (Row row : rows) {
            int cut = delimiter == null ? -1 : row.key().indexOf(delimiter, prefix.length());
            if (cut >= 0) {
                String common = row.key().substring(0, cut + delimiter.length());
                if (!common.equals(lastPrefix)) {
                    entries.add(common);
                    lastPrefix = common;
                }
            } else {
                entries.add(row);
            }
        }
        int start = 0;
        String keyMarker = request.keyMarker();
        String versionIdMarker = request.versionIdMarker();
        if (keyMarker != null && !keyMarker.isEmpty()) {
            start = entries.size();
            for (int i = 0; i < entries.size(); i++) {
                Object e = entries.get(i);
                String name = e instanceof Row r ? r.key() : (String) e;
                if (versionIdMarker != null && !versionIdMarker.isEmpty() && e instanceof Row r && r.key().equals(keyMarker)) {
                    if (r.versionId().equals(versionIdMarker)) {
                        start = i + 1;
                        break;
                    }
                    continue;
                }
                if (KeyCodec.S3_ORDER.compare(name, keyMarker) > 0) {
                    start = i;
                    break;
                }
            }
        }
        int end = Math.min(entries.size(), start + maxKeys);
        List<ObjectVersion> versions = new ArrayList<>();
        List<DeleteMarkerEntry> markers = new ArrayList<>();
        List<CommonPrefix> prefixes = new ArrayList<>();
        for (Object e : entries.subList(start, end)) {
            if (e instanceof Row r) {
                if (r.version() != null) {
                    versions.add(r.version());
                } else {
                    markers.add(r.marker());
                }
            } else {
                prefixes.add(SdkResponses.commonPrefix((String) e));
            }
        }
        String nextKey = null;
        String nextVersion = null;
        if (end < entries.size() && end > start) {
            Object last = entries.get(end - 1);
            if (last instanceof Row r) {
                nextKey = r.key();
                nextVersion = r.versionId();
            } else {
                nextKey = (String) last;
            }
        }
        return ListObjectVersionsResponse.builder()
                .versions(versions)
                .deleteMarkers(markers)
                .commonPrefixes(prefixes)
                .nextKeyMarker(nextKey)
                .nextVersionIdMarker(nextVersion)
                .isTruncated(nextKey != null)
                .build();
    }

    private static String lastOf(List<S3Object> contents, List<CommonPrefix> prefixes) {
        String lastKey = contents.isEmpty() ? null : contents.get(contents.size() - 1).key();
        String lastPrefix = prefixes.isEmpty() ? null : prefixes.get(prefixes.size() - 1).prefix();
        if (lastKey == null) {
            return lastPrefix;
        }
        if (lastPrefix == null) {
            return lastKey;
        }
        return KeyCodec.S3_ORDER.compare(lastKey, lastPrefix) > 0 ? lastKey : lastPrefix;
    }

    private static MultipartUpload encoded(MultipartUpload mpu) {
        return new MultipartUpload(mpu.id(), mpu.request().toBuilder().key(KeyCodec.encode(mpu.request().key())).build(), mpu.response());
    }
}
