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
import dev.strata.domain.storage.StorageRepository;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.secrets.SecretBox;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Buckets of a project and the project's S3 credentials. The first bucket mints the project's key; keys are
 * stored sealed, can be rotated (a new one minted) and revoked, and the object store refuses a revoked key at once.
 */
@Stateless
public class Buckets {

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

    public Bucket create(Caller caller, String projectId, String name) {
        if (projectId == null || projectId.isBlank()) {
            throw new InvalidInputException("projectId", "projectId is required");
        }
        BucketName bucketName = new BucketName(name);
        Project project = projects.find(caller.workspaceId(), projectId).orElseThrow(() ->
                new UnprocessableException("projectId", "project " + Shown.text(projectId) + " does not exist in this workspace"));
        if (storage.bucketNameTaken(project.id(), bucketName)) {
            throw new ConflictException("name", "the project already has a bucket named " + bucketName.value());
        }
        if (storage.activeKeys(project.id()).isEmpty()) {
            mintKey(project);
        }
        backend.ensureBucket(project.id(), bucketName);
        Bucket bucket = Bucket.create(caller.workspaceId(), project.id(), bucketName, Instant.now());
        storage.add(bucket);
        return bucket;
    }

    public List<Bucket> list(Caller caller, String projectId) {
        return storage.buckets(caller.workspaceId(), projectId == null || projectId.isEmpty() ? null : projectId);
    }

    public Bucket get(Caller caller, String bucketId) {
        return storage.bucket(caller.workspaceId(), bucketId).orElseThrow(() -> new NotFoundException("bucket", Shown.text(bucketId)));
    }

    /** Empties and drops the bucket. */
    public void delete(Caller caller, String bucketId) {
        Bucket bucket = get(caller, bucketId);
        backend.dropBucket(bucket.projectId(), bucket.name());
        storage.remove(bucket);
    }

    /** A new key for the project (the previous ones stay valid until revoked). */
    public IssuedStorageKey rotateKey(Caller caller, String projectId) {
        Project project = projects.find(caller.workspaceId(), projectId).orElseThrow(() -> new NotFoundException("project", Shown.text(projectId)));
        return mintKey(project);
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

    /** Everything of the project's storage goes: buckets emptied and dropped, keys revoked, namespace removed. */
    public void dropProject(Project project) {
        List<Bucket> projectBuckets = storage.buckets(project.workspaceId(), project.id());
        if (projectBuckets.isEmpty() && storage.activeKeys(project.id()).isEmpty()) {
            return; // never had storage: nothing to drop, even when the object store is down
        }
        for (Bucket b : projectBuckets) {
            backend.dropBucket(project.id(), b.name());
            storage.remove(b);
        }
        Instant now = Instant.now();
        for (StorageKey k : storage.activeKeys(project.id())) {
            k.revoke(now);
            backend.revoke(k.accessKeyId());
        }
        backend.dropProject(project.id());
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
