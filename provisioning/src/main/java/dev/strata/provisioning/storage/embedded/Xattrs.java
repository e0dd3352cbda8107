package dev.strata.provisioning.storage.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;

/**
 * The extended attributes the object store keeps beside an object's bytes, named as s3proxy names its own
 * ({@code user.…} within Linux's user namespace, e.g. {@code user.version-id}): read, write, remove.
 */
public final class Xattrs {

    private Xattrs() {
    }

    /** The attribute's value, or empty when the file or the attribute is not there. */
    public static Optional<String> read(Path file, String name) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        try {
            if (view == null || !view.list().contains(name)) {
                return Optional.empty();
            }
            ByteBuffer buf = ByteBuffer.allocate(view.size(name));
            view.read(name, buf);
            return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean has(Path file, String name) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        try {
            return view != null && view.list().contains(name);
        } catch (IOException e) {
            return false;
        }
    }

    /** Sets the attribute of a file that must be there. */
    public static void put(Path file, String name, String value) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) {
            throw new IOException("the file system of " + file + " keeps no extended attributes");
        }
        view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Sets the attribute; a file that is gone is S3's NoSuchKey. */
    static void write(Path file, String name, String value) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        try {
            view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchFileException gone) {
            throw new S3Failure(404, "NoSuchKey", "The specified key does not exist.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void remove(Path file, String name) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        try {
            if (view.list().contains(name)) {
                view.delete(name);
            }
        } catch (NoSuchFileException gone) {
            throw new S3Failure(404, "NoSuchKey", "The specified key does not exist.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
