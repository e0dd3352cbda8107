package dev.strata.provisioning.storage;

import dev.strata.domain.shared.Shown;
import dev.strata.domain.project.Project;
import dev.strata.domain.project.ProjectRepository;
import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.domain.storage.Bucket;
import dev.strata.domain.storage.BucketName;
import dev.strata.domain.storage.ObjectStoreBackend;
import dev.strata.domain.storage.StorageKey;
import dev.strata.domain.storage.StorageQuota;
import dev.strata.domain.storage.StorageUsage;
import dev.strata.domain.storage.StorageRepository;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.workspace.Workspaces;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Buckets of a project and the project's S3 credentials. The first bucket mints the project's key; keys are
 * stored sealed, can be rotated (a new one minted) and revoked, and the object store refuses a revoked key at once
 * (it asks {@link #usableKey} at every request). Creating takes the workspace's lock first, so a bucket or key is
 * never made in a project whose deletion is under way. Deleting is recorded at once (the bucket is gone for users)
 * and finished by the reconciler ({@link #finishDeletion}), which empties and drops it: crash-safe and idempotent.
 */
@Stateless
public class Buckets {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Buckets.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    @Inject
    StorageRepository storage;

    @Inject
    ProjectRepository projects;

    @Inject
    ObjectStoreBackend backend;

    @Inject
    SecretBox secrets;

    @Inject
    Workspaces workspaces;

    @Resource
    SessionContext session;

    public Bucket create(Caller caller, String projectId, String name) {
        if (projectId == null || projectId.isBlank()) {
            throw new InvalidInputException("projectId", "projectId is required");
        }
        BucketName bucketName = new BucketName(name);
        workspaces.lockForChange(caller, caller.workspaceId());
        Project project = projects.find(caller.workspaceId(), projectId).orElseThrow(() ->
                new UnprocessableException("projectId", "project " + Shown.text(projectId) + " does not exist in this workspace"));
        if (storage.bucketNameTaken(project.id(), bucketName)) {
            boolean leaving = storage.allBucketsOf(project.id()).stream().anyMatch(b -> b.deleting() && b.name().equals(bucketName));
            throw new ConflictException("name", leaving ? "the project's bucket " + bucketName.value() + " is still being deleted; try again in a moment"
                    : "the project already has a bucket named " + bucketName.value());
        }
        if (storage.activeKeys(project.id()).isEmpty()) {
            mintKey(project);
        }
        Bucket bucket = Bucket.create(caller.workspaceId(), project.id(), bucketName, Instant.now());
        storage.add(bucket);
        // last: a crash before the commit leaves at most an empty directory, removed at the next start
        // (EmbeddedObjectStore#sweepUnrecorded)
        backend.ensureBucket(project.id(), bucketName);
        return bucket;
    }

    /**
     * Records a bucket that a project key created through S3 (CreateBucket): from then on it is one of the project's
     * buckets like those created through the API. Same name rules; the object store made its directory before, so a
     * crash in between leaves an empty directory that the next start removes.
     *
     * @return false when the project already had a bucket of that name (created meanwhile by the API)
     */
    public boolean recordCreatedThroughS3(String projectId, String name) {
        BucketName bucketName = new BucketName(name);
        String workspaceId = projects.workspaceOf(projectId)
                .orElseThrow(() -> new NotFoundException("project", Shown.text(projectId)));
        workspaces.lockForChange(new Caller("s3:" + projectId, workspaceId), workspaceId); // the project key is the caller
        Project project = projects.find(workspaceId, projectId)
                .orElseThrow(() -> new NotFoundException("project", Shown.text(projectId)));
        if (storage.bucketNameTaken(project.id(), bucketName)) {
            return false;
        }
        storage.add(Bucket.create(workspaceId, project.id(), bucketName, Instant.now()));
        LOG.info(() -> "bucket " + bucketName.value() + " of project " + projectId + " created through S3");
        return true;
    }

    /** Forgets a bucket that a project key deleted through S3 (DeleteBucket, after its directory was removed). */
    public void forgetDeletedThroughS3(String projectId, String name) {
        BucketName bucketName = new BucketName(name);
        storage.allBucketsOf(projectId).stream().filter(b -> b.name().equals(bucketName)).findFirst()
                .flatMap(b -> storage.lockBucket(b.id()))
                .ifPresent(b -> {
                    storage.remove(b);
                    LOG.info(() -> "bucket " + bucketName.value() + " of project " + projectId + " deleted through S3");
                });
    }

    /** The project's storage quota, for the object store's checks (no limits for a project not found). */
    public StorageQuota quotaOf(String projectId) {
        return projects.workspaceOf(projectId).flatMap(ws -> projects.find(ws, projectId)).map(Project::storageQuota)
                .orElse(StorageQuota.NONE);
    }

    /** The caller's project's quota and what its buckets hold now. */
    public QuotaStatus quota(Caller caller, String projectId) {
        Project project = projects.find(caller.workspaceId(), projectId)
                .orElseThrow(() -> new NotFoundException("project", Shown.text(projectId)));
        StorageUsage used = storage.allBucketsOf(project.id()).stream().filter(b -> !b.deleting())
                .map(b -> backend.usage(project.id(), b.name())).reduce(StorageUsage.ZERO, StorageUsage::plus);
        return new QuotaStatus(project.storageQuota(), used);
    }

    /** Sets the project's quota; what is stored already stays, writes beyond the new limit are refused. */
    public QuotaStatus limit(Caller caller, String projectId, StorageQuota quota) {
        workspaces.lockForChange(caller, caller.workspaceId());
        Project project = projects.find(caller.workspaceId(), projectId)
                .orElseThrow(() -> new NotFoundException("project", Shown.text(projectId)));
        project.limitStorage(quota, Instant.now());
        return quota(caller, projectId);
    }

    public record QuotaStatus(StorageQuota quota, StorageUsage used) {
    }

    /** What the bucket holds now. */
    /**
     * What each project's live buckets hold, by project id (projects without buckets left out): one metadata query,
     * then the backend's measurement of each bucket (the embedded store walks its files: not for every request).
     */
    public java.util.Map<String, StorageUsage> usageByProject() {
        java.util.Map<String, StorageUsage> out = new java.util.TreeMap<>();
        for (Bucket b : storage.liveBuckets()) {
            out.merge(b.projectId(), backend.usage(b.projectId(), b.name()), StorageUsage::plus);
        }
        return out;
    }

    public StorageUsage usage(Bucket bucket) {
        return backend.usage(bucket.projectId(), bucket.name());
    }

    /** Whether a bucket of that name has a record in the project (being deleted included). */
    public boolean recorded(String projectId, BucketName name) {
        return storage.allBucketsOf(projectId).stream().anyMatch(b -> b.name().equals(name));
    }

    public List<Bucket> list(Caller caller, String projectId) {
        return storage.buckets(caller.workspaceId(), projectId == null || projectId.isEmpty() ? null : projectId);
    }

    public Bucket get(Caller caller, String bucketId) {
        return storage.bucket(caller.workspaceId(), bucketId).orElseThrow(() -> new NotFoundException("bucket", Shown.text(bucketId)));
    }

    /**
     * Deletes the bucket: first recorded (its own transaction: from then on the bucket is gone for users and its
     * deletion will finish whatever happens), then emptied and dropped before this returns. If the object store
     * cannot do that now, the reconciler finishes it later.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void delete(Caller caller, String bucketId) {
        Buckets self = session.getBusinessObject(Buckets.class);
        self.requestDeletion(caller, bucketId);
        try {
            self.finishDeletion(bucketId);
        } catch (RuntimeException e) {
            LOG.warning("bucket " + bucketId + " is deleted for its users; emptying it failed for now and is retried: " + e.getMessage());
        }
    }

    /** Records the deletion of the caller's bucket (see {@link #delete}). */
    public void requestDeletion(Caller caller, String bucketId) {
        get(caller, bucketId).requestDeletion(Instant.now());
    }

    /**
     * Empties and drops a bucket whose deletion was requested, then forgets it; nothing if it is gone already. The
     * bucket's row is locked first: the request and the reconciler never work on it at once.
     */
    public void finishDeletion(String bucketId) {
        storage.lockBucket(bucketId).filter(Bucket::deleting).ifPresent(b -> {
            backend.dropBucket(b.projectId(), b.name());
            storage.remove(b);
        });
    }

    /** Ids of the buckets whose deletion is not finished (the reconciler's work list). */
    public List<String> deletionsPending() {
        return storage.deletingBuckets();
    }

    /** A new key for the project (the previous ones stay valid until revoked). */
    public IssuedStorageKey rotateKey(Caller caller, String projectId) {
        workspaces.lockForChange(caller, caller.workspaceId());
        Project project = projects.find(caller.workspaceId(), projectId).orElseThrow(() -> new NotFoundException("project", Shown.text(projectId)));
        return mintKey(project);
    }

    /**
     * What the object store asks at every request: the key's secret and project if the key may be used now (active,
     * and its project not being deleted).
     */
    public Optional<KeyGrant> usableKey(String accessKeyId) {
        return storage.usableKey(accessKeyId).map(k -> new KeyGrant(k.projectId(), secrets.open(k.secretSealed())));
    }

    /** A usable key's secret and project. */
    public record KeyGrant(String projectId, String secret) {
    }

    public void revokeKey(Caller caller, String projectId, String accessKeyId) {
        StorageKey key = storage.keyByAccessKeyId(accessKeyId)
                .filter(k -> k.workspaceId().equals(caller.workspaceId()) && k.projectId().equals(projectId) && k.isActive())
                .orElseThrow(() -> new NotFoundException("storage key", Shown.text(accessKeyId)));
        key.revoke(Instant.now());
        backend.revoke(key.accessKeyId());
    }

    /** The project's current credentials (its newest active key), if it has any. */
    public Optional<IssuedStorageKey> currentKey(String projectId) {
        List<StorageKey> keys = storage.activeKeys(projectId);
        return keys.isEmpty() ? Optional.empty() : Optional.of(issued(keys.get(keys.size() - 1)));
    }

    public List<IssuedStorageKey> activeKeys(Caller caller, String projectId) {
        projects.find(caller.workspaceId(), projectId).orElseThrow(() -> new NotFoundException("project", Shown.text(projectId)));
        return storage.activeKeys(projectId).stream().map(this::issued).toList();
    }

    /**
     * The project is being deleted: its keys are revoked now (in the same transaction, so no request gets in after
     * the deletion is acknowledged) and its buckets are gone for users; {@link #dropProjectStorage} removes the data.
     */
    public void requestProjectDeletion(Project project, Instant now) {
        for (StorageKey k : storage.activeKeys(project.id())) {
            k.revoke(now);
            backend.revoke(k.accessKeyId());
        }
        for (Bucket b : storage.allBucketsOf(project.id())) {
            b.requestDeletion(now);
        }
    }

    /**
     * Everything of a deleted project's storage goes: buckets emptied and dropped, namespace removed. Idempotent;
     * runs in the caller's transaction (which holds the project's lock).
     */
    public void dropProjectStorage(String projectId) {
        if (!storage.everHadKeys(projectId)) {
            return; // never had storage: nothing to drop, even when the object store is down
        }
        for (Bucket b : storage.allBucketsOf(projectId)) {
            backend.dropBucket(projectId, b.name());
            storage.remove(b);
        }
        backend.dropProject(projectId);
    }

    public String endpoint() {
        return backend.endpoint();
    }

    public String region() {
        return backend.region();
    }

    private IssuedStorageKey mintKey(Project project) {
        StringBuilder id = new StringBuilder("STRT");
        for (int i = 0; i < 16; i++) {
            id.append(KEY_CHARS[RANDOM.nextInt(KEY_CHARS.length)]);
        }
        String secret = SecretBox.randomPassword(40);
        StorageKey key = StorageKey.mint(project.workspaceId(), project.id(), id.toString(), secrets.seal(secret), Instant.now());
        storage.add(key);
        backend.grant(project.id(), key.accessKeyId(), secret);
        return new IssuedStorageKey(key.accessKeyId(), secret, key.createdAt());
    }

    private IssuedStorageKey issued(StorageKey k) {
        return new IssuedStorageKey(k.accessKeyId(), secrets.open(k.secretSealed()), k.createdAt());
    }

}
