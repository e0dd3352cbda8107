package dev.strata.domain.storage;

/**
 * Port: an S3-compatible object store. Every project is its own namespace: its keys see its buckets only.
 * Implementations: the embedded endpoint (default); Ceph RGW, MinIO or a gateway to another S3 can follow.
 * All methods are idempotent.
 */
public interface ObjectStoreBackend {

    /** The URL applications use ({@code STORAGE_ENDPOINT}); path-style addressing. */
    String endpoint();

    /**
     * Where Strata itself reaches the store (same protocol and signatures as {@link #endpoint()}); the public one
     * unless the store is nearer to Strata than to its users (the embedded endpoint: its loopback address).
     */
    default String internalEndpoint() {
        return endpoint();
    }

    /** The region clients should sign for ({@code STORAGE_REGION}). */
    String region();

    /** Lets {@code accessKeyId}/{@code secret} act on the project's buckets. */
    void grant(String projectId, String accessKeyId, String secret);

    /** Refuses {@code accessKeyId} from the next request on. */
    void revoke(String accessKeyId);

    /** Creates the bucket in the project's namespace if it is not there. */
    void ensureBucket(String projectId, BucketName name);

    /** Deletes every object of the bucket, then the bucket; nothing when it is not there. */
    void dropBucket(String projectId, BucketName name);

    /** What the bucket holds (every version and unfinished upload); zero when it is not there. */
    StorageUsage usage(String projectId, BucketName name);

    /** Removes the project's whole namespace (after its buckets were dropped). */
    void dropProject(String projectId);
}
