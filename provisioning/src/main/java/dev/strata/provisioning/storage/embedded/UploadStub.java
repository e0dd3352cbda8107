package dev.strata.provisioning.storage.embedded;

import java.nio.file.Path;

/**
 * The stub file by which the store (s3proxy's file system blob store) records an unfinished multipart upload:
 * {@code .mpus-<upload id>-<encoded key>-stub} in the bucket directory. The one place that knows its name.
 */
final class UploadStub {

    /** What the name of every upload's stub file starts with. */
    static final String PREFIX = ".mpus-";

    private UploadStub() {
    }

    /** The stub file of the upload {@code uploadId} of the key stored as {@code encodedKey} ({@link KeyCodec#encode}). */
    static Path path(Path bucketDir, String uploadId, String encodedKey) {
        return bucketDir.resolve(PREFIX + uploadId + "-" + encodedKey + "-stub");
    }
}
