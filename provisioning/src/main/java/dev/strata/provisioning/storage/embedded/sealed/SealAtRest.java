package dev.strata.provisioning.storage.embedded.sealed;

import dev.strata.provisioning.storage.embedded.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The upgrade to encrypted objects: before the endpoint serves, every stored file (object, older version, part of an
 * unfinished upload) that was written in the clear by an earlier Strata is encrypted under a data key of its own,
 * sealed by the master key. Each file is rewritten beside itself as {@code <name>-<uuid>} (the shape of a write in
 * progress, which the sweep at start removes if a crash interrupts this), with its extended attributes (metadata,
 * ETag, tags, lock), permissions and modification time (S3's Last-Modified), flushed, then renamed over the old one:
 * a crash leaves either the clear file or the sealed one, never neither. Resumable: a sealed file is skipped.
 */
public final class SealAtRest {

    private static final Logger LOG = Logger.getLogger(SealAtRest.class.getName());

    private SealAtRest() {
    }

    /** Seals every clear file under {@code projectsRoot}; returns how many. */
    public static int run(Path projectsRoot, SealedFileSystem fs) throws IOException {
        if (!Files.isDirectory(projectsRoot)) {
            return 0;
        }
        List<Path> clear;
        try (var files = Files.walk(projectsRoot)) {
            clear = files.filter(Files::isRegularFile).filter(f -> !Xattrs.has(f, DataKeys.ATTRIBUTE)).toList();
        }
        if (clear.isEmpty()) {
            return 0;
        }
        LOG.info(() -> "encrypting " + clear.size() + " stored files written in the clear by an earlier Strata");
        long bytes = 0;
        int done = 0;
        for (Path file : clear) {
            bytes += seal(file, fs);
            done++;
            if (done % 1000 == 0) {
                int n = done;
                long b = bytes;
                LOG.info(() -> "encrypted " + n + " of " + clear.size() + " files (" + b + " bytes)");
            }
        }
        long total = bytes;
        LOG.info(() -> "encrypted " + clear.size() + " stored files (" + total + " bytes): every object is encrypted at rest");
        return clear.size();
    }

    private static long seal(Path file, SealedFileSystem fs) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "-" + UUID.randomUUID());
        long size;
        try (InputStream in = Files.newInputStream(file);
             OutputStream out = Files.newOutputStream(fs.wrap(tmp), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            size = in.transferTo(out);
        }
        UserDefinedFileAttributeView from = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        UserDefinedFileAttributeView to = Files.getFileAttributeView(tmp, UserDefinedFileAttributeView.class);
        for (String name : from.list()) {
            ByteBuffer value = ByteBuffer.allocate(from.size(name));
            from.read(name, value);
            value.flip();
            to.write(name, value);
        }
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
        Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(file));
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.READ)) {
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel c = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            c.force(true);
        }
        return size;
    }
}
