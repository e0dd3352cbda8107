package dev.strata.provisioning.storage.embedded;

import java.util.Optional;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * The store s3proxy serves unsigned requests from. It reaches a project's bucket by name (when exactly one project
 * has a bucket of that name) and says the bucket or object is public-read when the bucket's policy grants everyone
 * {@code s3:ListBucket} or {@code s3:GetObject} on it, or when its canned ACL is public-read; s3proxy then serves
 * the read as it serves any (ranges, conditional requests, metadata) and refuses everything else with
 * AccessDenied. Writes stay refused: no ACL of a project's bucket is public-read-write unless set so by its owner.
 */
final class AnonymousBuckets extends ForwardingBlobStore {

    private final ProjectKeyLocator locator;
    private final BucketConfigs configs;

    AnonymousBuckets(BlobStore empty, ProjectKeyLocator locator, BucketConfigs configs) {
        super(empty);
        this.locator = locator;
        this.configs = configs;
    }

    private record Target(String projectId, BlobStore store) {
    }

    private Target target(String bucket) {
        Optional<String> project = locator.projectOfBucket(bucket);
        if (project.isEmpty()) {
            throw S3Exceptions.noSuchBucket(bucket, "");
        }
        return new Target(project.get(), locator.internalStore(project.get()));
    }

    private boolean policyAllows(String projectId, String bucket, String action, String resource) {
        if (configs.publicAccessBlock(projectId, bucket).restrictPublicBuckets()) {
            return false;
        }
        return configs.read(projectId, bucket, BucketConfigs.POLICY).map(json -> BucketPolicy.parse(bucket, json))
                .map(p -> p.allowsEveryone(action, resource)).orElse(false);
    }

    @Override
    public boolean supportsVersioning() {
        return true;
    }

    @Override
    public BucketCannedACL getContainerAccess(String container) {
        Target t = target(container);
        if (policyAllows(t.projectId(), container, "s3:ListBucket", "arn:aws:s3:::" + container)) {
            return BucketCannedACL.PUBLIC_READ;
        }
        PublicAccessBlock block = configs.publicAccessBlock(t.projectId(), container);
        if (block.ignorePublicAcls() || block.restrictPublicBuckets()) {
            return BucketCannedACL.PRIVATE;
        }
        BucketCannedACL acl = t.store().getContainerAccess(container);
        return acl == BucketCannedACL.PUBLIC_READ_WRITE ? BucketCannedACL.PUBLIC_READ : acl; // reads only, anonymously
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name) {
        Target t = target(container);
        if (policyAllows(t.projectId(), container, "s3:GetObject", "arn:aws:s3:::" + container + "/" + name)) {
            return ObjectCannedACL.PUBLIC_READ;
        }
        PublicAccessBlock block = configs.publicAccessBlock(t.projectId(), container);
        if (block.ignorePublicAcls() || block.restrictPublicBuckets()) {
            return ObjectCannedACL.PRIVATE;
        }
        return t.store().getBlobAccess(container, name);
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name, String versionId) {
        Target t = target(container);
        if (policyAllows(t.projectId(), container, "s3:GetObjectVersion", "arn:aws:s3:::" + container + "/" + name)
                || (versionId == null && policyAllows(t.projectId(), container, "s3:GetObject", "arn:aws:s3:::" + container + "/" + name))) {
            return ObjectCannedACL.PUBLIC_READ;
        }
        PublicAccessBlock block = configs.publicAccessBlock(t.projectId(), container);
        if (block.ignorePublicAcls() || block.restrictPublicBuckets()) {
            return ObjectCannedACL.PRIVATE;
        }
        return t.store().getBlobAccess(container, name, versionId);
    }

    @Override
    public HeadBucketResponse headBucket(HeadBucketRequest request) {
        return target(request.bucket()).store().headBucket(request);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        return target(request.bucket()).store().list(request);
    }

    @Override
    public ListObjectVersionsResponse listVersions(ListObjectVersionsRequest request) {
        return target(request.bucket()).store().listVersions(request);
    }

    @Override
    public GetBucketVersioningResponse getBucketVersioning(GetBucketVersioningRequest request) {
        return target(request.bucket()).store().getBucketVersioning(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        return target(request.bucket()).store().blobMetadata(request);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        return target(request.bucket()).store().getBlob(request);
    }
}
