package dev.strata.provisioning.storage.embedded.sealed;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The default file system with every file's bytes encrypted at rest: what s3proxy's filesystem store is given as its
 * root, so that each object, part and version it writes is sealed and each one it reads is opened, while the store
 * keeps doing what it does (atomic publication by rename, metadata in extended attributes, ranges, multipart
 * assembly). How a file is sealed is {@link DataKeys}; the provider is {@link SealedFileSystemProvider}.
 */
public final class SealedFileSystem extends FileSystem {

    private final FileSystem real = FileSystems.getDefault();
    private final SealedFileSystemProvider provider;

    public SealedFileSystem(DataKeys keys) {
        this.provider = new SealedFileSystemProvider(this, keys);
    }

    /** {@code path} (of the default file system) as a path of this one. */
    public Path wrap(Path path) {
        if (path instanceof SealedPath s) {
            return s;
        }
        return new SealedPath(this, path);
    }

    @Override
    public SealedFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("the sealed file system lives as long as the process");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return real.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return () -> StreamSupport.stream(real.getRootDirectories().spliterator(), false).map(this::wrap).iterator();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return real.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return real.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(real.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = real.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(SealedPath.unwrap(p));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return real.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watching of sealed paths");
    }
}
