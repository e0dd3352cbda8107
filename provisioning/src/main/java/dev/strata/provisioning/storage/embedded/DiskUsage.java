package dev.strata.provisioning.storage.embedded;

import dev.strata.domain.storage.StorageUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * What a bucket directory holds, as S3 bills it: bytes of every object, old version and uploaded part; objects
 * counting every version (not delete markers, parts or s3proxy's multipart stubs). Temporary files of writes in
 * progress are not counted.
 */
final class DiskUsage {

    private static final String VERSIONS_DIR = ".s3proxy-versions";
    private static final String STUB_PREFIX = ".s3proxy-mpu-stub-";

    private DiskUsage() {
    }

    /** The sum over a project's bucket directories. */
    static StorageUsage ofProject(Path projectDir) {
        if (!Files.isDirectory(projectDir)) {
            return StorageUsage.ZERO;
        }
        try (Stream<Path> buckets = Files.list(projectDir)) {
            return buckets.filter(Files::isDirectory).map(DiskUsage::ofBucket).reduce(StorageUsage.ZERO, StorageUsage::plus);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + projectDir + ": " + e.getMessage(), e);
        }
    }

    static StorageUsage ofBucket(Path bucketDir) {
        if (!Files.isDirectory(bucketDir)) {
            return StorageUsage.ZERO;
        }
        long[] total = {0, 0};
        try {
            Files.walkFileTree(bucketDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isRegularFile() || EncodedKeyBlobStore.unpublished(file.getFileName().toString())) {
                        return FileVisitResult.CONTINUE;
                    }
                    total[0] += attrs.size();
                    Path relative = bucketDir.relativize(file);
                    if (relative.getNameCount() == 2 && relative.getName(0).toString().equals(VERSIONS_DIR)) {
                        if (attrs.size() > 0 || !deleteMarker(file)) {
                            total[1]++;
                        }
                    } else if (KeyCodec.decode(relative.toString()).filter(k -> !k.startsWith(STUB_PREFIX)).isPresent()) {
                        total[1]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted while counted
                    }
                    throw exc;
                }
            });
        } catch (NoSuchFileException bucketGone) {
            return StorageUsage.ZERO;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + bucketDir + ": " + e.getMessage(), e);
        }
        return new StorageUsage(total[0], total[1]);
    }

    private static boolean deleteMarker(Path file) {
        return Xattrs.has(file, "user.delete-marker");
    }
}
