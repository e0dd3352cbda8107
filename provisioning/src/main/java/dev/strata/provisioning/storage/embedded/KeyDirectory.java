package dev.strata.provisioning.storage.embedded;

import java.util.Optional;

/**
 * Where the embedded S3 endpoint looks project keys up at every request: the metadata. Public because the server
 * wraps it in a contextual proxy (the endpoint's threads are not the server's).
 */
public interface KeyDirectory {

    /** The key's secret and project, if the key may be used now. */
    Optional<Entry> usable(String accessKeyId);

    /** A usable key's secret and project. */
    record Entry(String secret, String projectId) {
    }
}
