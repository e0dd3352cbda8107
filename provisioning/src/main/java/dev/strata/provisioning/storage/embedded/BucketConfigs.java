package dev.strata.provisioning.storage.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The bucket configurations Strata keeps beside s3proxy's store: CORS rules, the bucket policy, lifecycle rules,
 * one file each under {@code objects/bucket-config/<project>/<bucket>/} (outside the bucket's directory, which
 * must be empty to be deleted). Written whole (temporary file, flushed, renamed); removed with the bucket.
 */
final class BucketConfigs {

    static final String CORS = "cors.xml";
    static final String POLICY = "policy.json";
    static final String LIFECYCLE = "lifecycle.xml";
    static final String TAGGING = "tagging.xml";
    static final String OBJECT_LOCK = "object-lock.xml";
    static final String PUBLIC_ACCESS_BLOCK = "public-access-block.xml";
    static final String OWNERSHIP = "ownership-controls.xml";

    /** The bucket's public access block, none when it has no configuration (or an unreadable one: fails closed). */
    PublicAccessBlock publicAccessBlock(String projectId, String bucket) {
        return read(projectId, bucket, PUBLIC_ACCESS_BLOCK).map(xml -> {
            try {
                return PublicAccessBlock.parse(xml);
            } catch (RuntimeException unreadable) {
                return new PublicAccessBlock(true, true, true, true);
            }
        }).orElse(PublicAccessBlock.NONE);
    }

    private final Path root;

    BucketConfigs(Path root) {
        this.root = root;
    }

    Optional<byte[]> read(String projectId, String bucket, String name) {
        Path file = dir(projectId, bucket).resolve(name);
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    void write(String projectId, String bucket, String name, byte[] content) {
        Path dir = dir(projectId, bucket);
        Path tmp = dir.resolve("." + name + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            Files.write(tmp, content);
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.READ)) {
                c.force(true);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
                c.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a leftover dot-file is never read
            }
        }
    }

    void delete(String projectId, String bucket, String name) {
        try {
            Files.deleteIfExists(dir(projectId, bucket).resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every configuration of the bucket (it is being deleted). */
    void forgetBucket(String projectId, String bucket) {
        deleteTree(dir(projectId, bucket));
    }

    void forgetProject(String projectId) {
        deleteTree(root.resolve(projectId));
    }

    /** {@code <project>/<bucket>} pairs that have the named configuration (for the lifecycle runner). */
    List<String[]> bucketsWith(String name) {
        List<String[]> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (var projects = Files.list(root)) {
            for (Path project : projects.filter(Files::isDirectory).toList()) {
                try (var buckets = Files.list(project)) {
                    for (Path bucket : buckets.filter(b -> Files.exists(b.resolve(name))).toList()) {
                        out.add(new String[] {project.getFileName().toString(), bucket.getFileName().toString()});
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Path dir(String projectId, String bucket) {
        Path dir = root.resolve(projectId).resolve(bucket).normalize();
        if (!dir.startsWith(root) || dir.getNameCount() != root.getNameCount() + 2) {
            throw new IllegalArgumentException("not a bucket: " + projectId + "/" + bucket);
        }
        return dir;
    }

    private static void deleteTree(Path dir) {
        try {
            EmbeddedObjectStore.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
