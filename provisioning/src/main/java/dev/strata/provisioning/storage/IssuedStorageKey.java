package dev.strata.provisioning.storage;

import java.time.Instant;

/** A project's S3 credential in the clear, for the project environment and the key endpoints only. */
public record IssuedStorageKey(String accessKeyId, String secret, Instant createdAt) {

    @Override
    public String toString() {
        return "IssuedStorageKey[" + accessKeyId + "]";
    }
}
