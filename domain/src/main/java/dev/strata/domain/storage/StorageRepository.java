package dev.strata.domain.storage;

import java.util.List;
import java.util.Optional;

/** Port: where buckets and storage keys are kept. Buckets being deleted are seen only by the methods that say so. */
public interface StorageRepository {

    List<Bucket> buckets(String workspaceId, String projectId);

    Optional<Bucket> bucket(String workspaceId, String bucketId);

    /** Whether the project has a bucket of that name, one being deleted included (the name is not free yet). */
    boolean bucketNameTaken(String projectId, BucketName name);

    /** Every bucket of the project, those being deleted included. */
    List<Bucket> allBucketsOf(String projectId);

    /** Ids of the buckets whose deletion was requested and is not finished. */
    List<String> deletingBuckets();

    /** Every bucket of every project whose deletion was not requested (what the object store holds for users). */
    List<Bucket> liveBuckets();

    /** A bucket by id whatever its state, locked until the transaction ends. */
    Optional<Bucket> lockBucket(String bucketId);

    /** Whether the project ever had a key (revoked ones included): then it has a namespace in the object store. */
    boolean everHadKeys(String projectId);

    /** The key if it is active and its project is not being deleted: what the object store may let in. */
    Optional<StorageKey> usableKey(String accessKeyId);

    void add(Bucket bucket);

    void remove(Bucket bucket);

    /** The project's active keys, oldest first. */
    List<StorageKey> activeKeys(String projectId);

    Optional<StorageKey> keyByAccessKeyId(String accessKeyId);

    void add(StorageKey key);
}
