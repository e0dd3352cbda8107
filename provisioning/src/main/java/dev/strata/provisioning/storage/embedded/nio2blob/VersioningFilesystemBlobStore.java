package dev.strata.provisioning.storage.embedded.nio2blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Stream;
import dev.strata.provisioning.storage.embedded.sealed.SealedFileSystem;
import org.gaul.s3proxy.nio2blob.AbstractNio2BlobStore;

/**
 * s3proxy's filesystem store with S3 versioning switched on: the current version of a key stays at its file, every
 * other version and every delete marker is a file under the bucket's {@code .s3proxy-versions} directory (s3proxy's
 * own implementation, which it offers only for its in-memory store). Two things make it fit for a disk that
 * outlives the process, and both are done here:
 * <ul>
 * <li>s3proxy numbers versions from an in-memory counter that starts at 0 in every process; after a restart a new
 * version would take the name (and id) of an old one and replace it. The counter is moved past the clock in
 * microseconds when this class loads, so ids and names only grow across restarts.</li>
 * <li>Publishing a new version moves the current one aside first, then renames the new one into place (a delete:
 * moves it aside, then writes the marker). A crash between the two leaves a key whose newest version is aside and
 * not current; {@link #repair} puts it back at the next start, before the endpoint serves.</li>
 * </ul>
 * The class lives in a package named {@code nio2blob} on purpose: s3proxy's front end recognises a filesystem
 * store by that name and adapts to it (multipart uploads kept by a stub object, If-None-Match done by the store).
 */
public final class VersioningFilesystemBlobStore extends AbstractNio2BlobStore {

    private static final Logger LOG = Logger.getLogger(VersioningFilesystemBlobStore.class.getName());
    private static final String VERSIONS_DIR = ".s3proxy-versions";
    private static final String VERSION_KEY = "user.version-key";
    private static final String DELETE_MARKER = "user.delete-marker";

    static {
        seedVersionSequence();
    }

    public VersioningFilesystemBlobStore(Path root) {
        super(root);
        if (!Files.isDirectory(root)) { // root may be a path of a SealedFileSystem: Files asks its provider
            throw new IllegalArgumentException("no such directory: " + root);
        }
    }

    @Override
    public boolean supportsVersioning() {
        return true;
    }

    /**
     * Whether s3proxy may accept and report server-side encryption (SSE-S3, SSE-C, bucket default encryption):
     * only where the files are encrypted at rest, i.e. the root is on a {@link SealedFileSystem}. s3proxy then
     * judges the request headers and records each object's encryption; the bytes are encrypted underneath.
     */
    @Override
    public boolean supportsServerSideEncryption() {
        return getRoot().getFileSystem() instanceof SealedFileSystem;
    }

    /** Whether objects can be sealed under the key service's key {@code kmsKeyId} here (SSE-KMS). */
    public boolean sealsWithKmsKey(String kmsKeyId) {
        return getRoot().getFileSystem() instanceof SealedFileSystem sealed && sealed.provider().offersKmsKey(kmsKeyId);
    }

    @Override
    public boolean supportsBucketEncryption() {
        return supportsServerSideEncryption();
    }

    /** Moves s3proxy's version counter past the clock (microseconds since 1970); never backwards. */
    static void seedVersionSequence() {
        try {
            var field = AbstractNio2BlobStore.class.getDeclaredField("VERSION_SEQUENCE");
            field.setAccessible(true);
            long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
            ((AtomicLong) field.get(null)).accumulateAndGet(now, Math::max);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot seed s3proxy's version counter (s3proxy changed?): " + e, e);
        }
    }

    /**
     * For every versioned bucket under {@code projectsRoot/<project>/<bucket>}: a key with no current file whose
     * newest version aside is not a delete marker gets that version back as its current one. Returns how many.
     */
    public static int repair(Path projectsRoot) throws IOException {
        if (!Files.isDirectory(projectsRoot)) {
            return 0;
        }
        int repaired = 0;
        for (Path project : list(projectsRoot)) {
            if (!Files.isDirectory(project)) {
                continue;
            }
            for (Path bucket : list(project)) {
                Path versions = bucket.resolve(VERSIONS_DIR);
                if (Files.isDirectory(versions)) {
                    repaired += repairBucket(bucket, versions);
                }
            }
        }
        return repaired;
    }

    private static int repairBucket(Path bucket, Path versions) throws IOException {
        Map<String, Path> newest = new HashMap<>();
        for (Path version : list(versions)) {
            String key = attribute(version, VERSION_KEY);
            if (key == null) {
                continue;
            }
            // names are "<hash of key>-<sequence>", the sequence of fixed width: the greatest name is the newest
            newest.merge(key, version, (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()) >= 0 ? a : b);
        }
        int repaired = 0;
        for (var e : newest.entrySet()) {
            Path current = bucket.resolve(e.getKey()).normalize();
            if (!current.startsWith(bucket) || Files.exists(current) || attribute(e.getValue(), DELETE_MARKER) != null) {
                continue;
            }
            Files.createDirectories(current.getParent());
            Files.move(e.getValue(), current, StandardCopyOption.ATOMIC_MOVE);
            repaired++;
            LOG.info(() -> "version " + e.getValue().getFileName() + " is current again in " + bucket
                    + ": the write or delete that moved it aside did not finish");
        }
        return repaired;
    }

    private static String attribute(Path file, String name) {
        return dev.strata.provisioning.storage.embedded.Xattrs.read(file, name).orElse(null);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
