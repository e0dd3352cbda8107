package dev.strata.domain.storage;

/** What a bucket or a project holds: bytes on disk (every version and unfinished upload) and objects (versions). */
public record StorageUsage(long bytes, long objects) {

    public static final StorageUsage ZERO = new StorageUsage(0, 0);

    public StorageUsage plus(StorageUsage other) {
        return new StorageUsage(bytes + other.bytes, objects + other.objects);
    }
}
