package dev.strata.provisioning.storage.embedded.sealed;

import dev.strata.provisioning.storage.embedded.Durable;
import dev.strata.provisioning.storage.embedded.Xattrs;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@link SealedFileSystem} does: file operations go to the default provider on the paths underneath,
 * except that a file opened for reading decrypts and a file opened for writing encrypts (a new data key for every
 * file written, kept sealed beside it by {@link DataKeys}). Files are written whole: opening one to append to it, or
 * to overwrite part of one that has content, is refused, since a counter-mode keystream must never encrypt two
 * different contents. A copy is a copy of the encrypted bytes with the record of their key.
 */
public final class SealedFileSystemProvider extends FileSystemProvider {

    private final SealedFileSystem fs;
    private final DataKeys keys;

    SealedFileSystemProvider(SealedFileSystem fs, DataKeys keys) {
        this.fs = fs;
        this.keys = keys;
    }

    /** Whether new files can be sealed under the key service's key {@code kmsKeyId}. */
    public boolean offersKmsKey(String kmsKeyId) {
        return keys.offersKmsKey(kmsKeyId);
    }

    private static Path real(Path p) {
        return SealedPath.unwrap(p);
    }

    @Override
    public String getScheme() {
        return "strata-sealed";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("a sealed file system is made by Strata, not by URI");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        return fs.wrap(Path.of(uri));
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Path file = real(path);
        boolean writes = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        if (!writes) {
            FileChannel channel = FileChannel.open(file, options, attrs);
            try {
                var record = Xattrs.read(file, DataKeys.ATTRIBUTE);
                if (record.isEmpty()) {
                    return channel; // written before objects were encrypted; SealAtRest seals it at the next start
                }
                byte[] customerKey = RequestKeys.read();
                String attribute = record.get();
                // opened at the first read: s3proxy opens the file of a GET before it judges the request's SSE-C key
                return new CtrFileChannel(channel, () -> keys.open(attribute, customerKey));
            } catch (RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        if (options.contains(StandardOpenOption.APPEND)) {
            throw new UnsupportedOperationException("sealed files are written whole, never appended to: " + file);
        }
        boolean fresh = options.contains(StandardOpenOption.CREATE_NEW) || options.contains(StandardOpenOption.TRUNCATE_EXISTING);
        if (!fresh && Files.exists(file) && Files.size(file) > 0) {
            throw new UnsupportedOperationException("sealed files are written whole, never in place: " + file);
        }
        Set<OpenOption> opts = new HashSet<>(options);
        opts.remove(StandardOpenOption.READ); // nothing written here is read back through the same channel
        FileChannel channel = FileChannel.open(file, opts, attrs);
        try {
            DataKeys.NewKey key = keys.newKey(RequestKeys.write(), RequestKeys.writeKms());
            Xattrs.put(file, DataKeys.ATTRIBUTE, key.attribute());
            return new CtrFileChannel(channel, key.key());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        DirectoryStream<Path> real = Files.newDirectoryStream(real(dir));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = real.iterator();
                return new Iterator<>() {
                    private Path next;

                    @Override
                    public boolean hasNext() {
                        while (next == null && it.hasNext()) {
                            Path candidate = fs.wrap(it.next());
                            try {
                                if (filter == null || filter.accept(candidate)) {
                                    next = candidate;
                                }
                            } catch (IOException e) {
                                throw new java.nio.file.DirectoryIteratorException(e);
                            }
                        }
                        return next != null;
                    }

                    @Override
                    public Path next() {
                        if (!hasNext()) {
                            throw new java.util.NoSuchElementException();
                        }
                        Path p = next;
                        next = null;
                        return p;
                    }
                };
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Files.createDirectory(real(dir), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        // s3proxy publishes a write with If-None-Match: * by linking its temporary file to the key: forced first, as
        // a rename's source is (see move), and the directory after
        boolean publishes = Publication.publishes(real(existing), real(link)) && Files.isRegularFile(real(existing), LinkOption.NOFOLLOW_LINKS);
        if (publishes) {
            Publication.publishing(real(existing), real(link));
            Durable.force(real(existing));
        }
        Files.createLink(real(link), real(existing));
        if (publishes) {
            Durable.force(real(link).getParent());
        }
    }

    @Override
    public void delete(Path path) throws IOException {
        Files.delete(real(path));
    }

    /** The encrypted bytes and, with them, the record of their key (always, whatever the options say). */
    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        Files.copy(real(source), real(target), options);
        var record = Xattrs.read(real(source), DataKeys.ATTRIBUTE);
        if (record.isPresent()) {
            Xattrs.put(real(target), DataKeys.ATTRIBUTE, record.get());
        }
    }

    /**
     * A rename that publishes a file survives a power cut with the file's content: s3proxy writes every object (a
     * PUT, a completed multipart upload, a copy) to a temporary file that it never forces, then renames it over the
     * key. Forcing only after the rename leaves a window in which the journal holds the new name but the disk not yet
     * its bytes (delayed allocation: a zero-length or short object under the new name, with the ETag and data key of
     * the whole one). So the source's bytes and attributes go to disk first, then the rename, then the directory
     * that holds the new name (only for such a publication, {@link Publication#publishes}: the only layer that
     * forces a write; other moves, an old version moved aside, are not forced). What the write's request expects its object to carry ({@link Publication}: Object
     * Lock retention and legal hold, tags) is written on the source first, so it is never visible without them.
     */
    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        Path from = real(source);
        Path to = real(target);
        boolean publishes = Publication.publishes(from, to) && Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS);
        if (publishes) {
            Publication.publishing(from, to);
            Durable.force(from);
        }
        Files.move(from, to, options);
        if (publishes) {
            Durable.force(to.getParent());
        }
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return Files.isSameFile(real(path), real(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return Files.isHidden(real(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return Files.getFileStore(real(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        real(path).getFileSystem().provider().checkAccess(real(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return Files.getFileAttributeView(real(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
        return Files.readAttributes(real(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return Files.readAttributes(real(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        Files.setAttribute(real(path), attribute, value, options);
    }
}
