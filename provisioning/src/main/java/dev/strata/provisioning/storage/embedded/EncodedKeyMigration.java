package dev.strata.provisioning.storage.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Moves the objects of Strata 0.x's layout ({@code objects/projects/<project>/<bucket>/<key as a path>}) into the
 * encoded one ({@code objects/buckets/<project>/<bucket>/<encoded key>}, see {@link KeyCodec}), before the endpoint
 * serves. Where a file lies says which layout it is in, so a migration cut short by a crash simply goes on at the
 * next start: every move is one rename (bytes and extended attributes, i.e. the object's metadata, travel
 * together) and a file is either still in the old tree or already in the new one. A stored directory marker (a key
 * ending in {@code /}, a directory with an ETag attribute) becomes an empty object with the same attributes. What
 * is not an object (unfinished multipart uploads' parts and stubs) is kept under {@code objects/pre-encoding/},
 * never deleted; the old directories are removed once empty.
 */
final class EncodedKeyMigration {

    private static final Logger LOG = Logger.getLogger(EncodedKeyMigration.class.getName());
    private static final String ETAG_ATTRIBUTE = "user.content-md5";
    private static final String SLASH_BLOB = ".s3proxy-slash";

    private final Path oldRoot;
    private final Path newRoot;
    private final Path leftovers;

    EncodedKeyMigration(Path objects) {
        this.oldRoot = objects.resolve("projects");
        this.newRoot = objects.resolve("buckets");
        this.leftovers = objects.resolve("pre-encoding");
    }

    /** Migrates everything there is to migrate; returns how many objects moved. */
    int run() throws IOException {
        if (!Files.isDirectory(oldRoot)) {
            return 0;
        }
        int moved = 0;
        for (Path project : children(oldRoot)) {
            if (!Files.isDirectory(project)) {
                continue;
            }
            for (Path bucket : children(project)) {
                if (Files.isDirectory(bucket)) {
                    moved += migrateBucket(project.getFileName().toString(), bucket);
                }
            }
            deleteIfEmpty(project);
        }
        deleteIfEmpty(oldRoot);
        int total = moved;
        if (total > 0) {
            LOG.info(() -> "moved " + total + " objects into the encoded-key layout under " + newRoot);
        }
        return moved;
    }

    private int migrateBucket(String project, Path bucket) throws IOException {
        Path target = newRoot.resolve(project).resolve(bucket.getFileName().toString());
        Files.createDirectories(target);
        copyAttributes(bucket, target); // the bucket's ACL
        List<Path> markers = new ArrayList<>();
        int[] moved = {0};
        Files.walkFileTree(bucket, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(bucket) && hasAttribute(dir, ETAG_ATTRIBUTE)) {
                    markers.add(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String relative = bucket.relativize(file).toString();
                String first = bucket.relativize(file).getName(0).toString();
                if (relative.equals(SLASH_BLOB)) {
                    move(file, target.resolve(KeyCodec.encode("/")));
                    moved[0]++;
                } else if (first.startsWith(".")) {
                    move(file, leftovers.resolve(project).resolve(bucket.getFileName().toString()).resolve(relative));
                } else {
                    move(file, target.resolve(KeyCodec.encode(relative)));
                    moved[0]++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path marker : markers) {
            Path object = target.resolve(KeyCodec.encode(bucket.relativize(marker) + "/"));
            Files.createDirectories(object.getParent());
            if (!Files.exists(object)) {
                Path tmp = object.resolveSibling(".marker-" + java.util.UUID.randomUUID());
                Files.createFile(tmp);
                copyAttributes(marker, tmp);
                Files.move(tmp, object, StandardCopyOption.ATOMIC_MOVE);
                moved[0]++;
            }
        }
        deleteEmptyTree(bucket);
        return moved[0];
    }

    private static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<Path> children(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static boolean hasAttribute(Path path, String name) {
        return Xattrs.has(path, name); // s3proxy names its attributes "user.…" within the user namespace
    }

    private static void copyAttributes(Path from, Path to) throws IOException {
        UserDefinedFileAttributeView source = Files.getFileAttributeView(from, UserDefinedFileAttributeView.class);
        UserDefinedFileAttributeView target = Files.getFileAttributeView(to, UserDefinedFileAttributeView.class);
        if (source == null || target == null) {
            return;
        }
        List<String> names;
        try {
            names = source.list();
        } catch (UnsupportedOperationException | IOException noAttributes) {
            return;
        }
        for (String name : names) {
            ByteBuffer value = ByteBuffer.allocate(source.size(name));
            source.read(name, value);
            value.flip();
            target.write(name, value);
        }
    }

    /** Removes the directories left behind, deepest first; a directory still holding a file stays. */
    private static void deleteEmptyTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                deleteIfEmpty(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException stillUsed) {
            LOG.warning(() -> dir + " still holds files after the move to the encoded-key layout; left in place");
        } catch (IOException e) {
            LOG.warning(() -> "cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
