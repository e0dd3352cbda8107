package dev.strata.provisioning.storage.embedded;

import dev.strata.domain.storage.StorageQuota;
import dev.strata.domain.storage.StorageUsage;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Holds a project's writes to its storage quota. The usage is measured on disk ({@link DiskUsage}) and kept for a
 * few seconds, with the writes admitted since added on top; a write that would go beyond the limit is judged again
 * against a fresh measurement before it is refused, so deletes and overwrites free room at once. The quota itself
 * is read from the metadata at most every few seconds. Refusals are S3's {@code 403 QuotaExceeded}.
 */
final class QuotaGate {

    private static final long MEASURE_EVERY_NANOS = 10_000_000_000L;
    private static final long QUOTA_EVERY_NANOS = 5_000_000_000L;

    private final Path projectDir;
    private final Supplier<StorageQuota> quotaSource;
    private StorageQuota quota;
    private long quotaAt;
    private StorageUsage measured;
    private long measuredAt;
    private long pendingBytes;
    private long pendingObjects;

    QuotaGate(Path projectDir, Supplier<StorageQuota> quotaSource) {
        this.projectDir = projectDir;
        this.quotaSource = quotaSource;
    }

    /**
     * Admits a write adding {@code bytes} and the objects {@code objects} says (asked only when objects are
     * limited: an overwrite in a bucket without versioning adds none), or throws S3's QuotaExceeded.
     */
    synchronized void admit(long bytes, java.util.function.LongSupplier objectsAdded) {
        StorageQuota q = quota();
        if (!q.limited()) {
            return;
        }
        long objects = q.maxObjects() == null ? 0 : objectsAdded.getAsLong();
        long now = System.nanoTime();
        if (measured == null || now - measuredAt > MEASURE_EVERY_NANOS) {
            measure(now);
        }
        if (beyond(q, bytes, objects)) {
            measure(now); // deletes and overwrites since the last measurement count before a refusal
            if (beyond(q, bytes, objects)) {
                String what = q.maxBytes() != null && measured.bytes() + bytes > q.maxBytes()
                        ? "the project's storage quota of " + q.maxBytes() + " bytes (" + measured.bytes() + " used, this write adds " + bytes + ")"
                        : "the project's storage quota of " + q.maxObjects() + " objects (" + measured.objects() + " stored)";
                throw EncodedKeyBlobStore.s3Error(403, "QuotaExceeded", "This write would go beyond " + what + ".");
            }
        }
        pendingBytes += bytes;
        pendingObjects += objects;
    }

    /** Something was deleted: measure again before the next decision. */
    synchronized void changed() {
        measured = null;
    }

    private boolean beyond(StorageQuota q, long bytes, long objects) {
        return (q.maxBytes() != null && bytes > 0 && measured.bytes() + pendingBytes + bytes > q.maxBytes())
                || (q.maxObjects() != null && objects > 0 && measured.objects() + pendingObjects + objects > q.maxObjects());
    }

    private void measure(long now) {
        measured = DiskUsage.ofProject(projectDir);
        measuredAt = now;
        pendingBytes = 0;
        pendingObjects = 0;
    }

    private StorageQuota quota() {
        long now = System.nanoTime();
        if (quota == null || now - quotaAt > QUOTA_EVERY_NANOS) {
            StorageQuota fresh = quotaSource.get();
            quota = fresh == null ? StorageQuota.NONE : fresh;
            quotaAt = now;
        }
        return quota;
    }
}
