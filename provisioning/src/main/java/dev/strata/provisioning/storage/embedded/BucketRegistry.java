package dev.strata.provisioning.storage.embedded;

/**
 * What the S3 endpoint tells Strata's metadata when a project key creates or deletes a bucket through S3, so that
 * such buckets are the project's buckets in the API and dashboard. Called on the endpoint's threads (through a
 * contextual proxy, like {@link KeyDirectory}).
 */
public interface BucketRegistry {

    /**
     * Records a bucket a project key created; throws {@link dev.strata.domain.shared.InvalidInputException} when
     * the name breaks Strata's rules.
     *
     * @return false when the project already had a bucket of that name
     */
    boolean created(String projectId, String bucket);

    /** Forgets a bucket a project key deleted. */
    void deleted(String projectId, String bucket);

    /** The project's storage quota (no limits when the project is unknown). */
    dev.strata.domain.storage.StorageQuota quota(String projectId);
}
