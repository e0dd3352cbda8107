package dev.strata.domain.storage;

import java.util.List;
import java.util.Optional;

/** Port: where buckets and storage keys are kept. */
public interface StorageRepository {

    List<Bucket> buckets(String workspaceId, String projectId);

    Optional<Bucket> bucket(String workspaceId, String bucketId);

    boolean bucketNameTaken(String projectId, BucketName name);

    void add(Bucket bucket);

    void remove(Bucket bucket);

    /** The project's active keys, oldest first. */
    List<StorageKey> activeKeys(String projectId);

    Optional<StorageKey> keyByAccessKeyId(String accessKeyId);

    void add(StorageKey key);
}
