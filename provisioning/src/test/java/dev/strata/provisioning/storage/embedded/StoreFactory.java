package dev.strata.provisioning.storage.embedded;

import java.nio.file.Path;
import org.gaul.s3proxy.blobstore.BlobStore;

/** Project stores for tests in other packages (the store classes are package-private). */
public final class StoreFactory {

    private StoreFactory() {
    }

    /** A project store over {@code files}, its bucket directories under {@code root}, without quota or records. */
    public static BlobStore encoded(Path root, BlobStore files) {
        return new EncodedKeyBlobStore(root, files);
    }
}
