package dev.strata.provisioning.storage.embedded.sealed;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;

/**
 * A path of a {@link SealedFileSystem}: a path of the default file system underneath, so that every file operation
 * reached through it goes through {@link SealedFileSystemProvider}. Only the path's file system differs; its names,
 * string form and ordering are those of the path underneath.
 */
final class SealedPath implements Path {

    private final SealedFileSystem fs;
    private final Path real;

    SealedPath(SealedFileSystem fs, Path real) {
        this.fs = fs;
        this.real = Objects.requireNonNull(real);
    }

    /** The path underneath, on the default file system. */
    Path real() {
        return real;
    }

    static Path unwrap(Path p) {
        if (p instanceof SealedPath s) {
            return s.real;
        }
        throw new ProviderMismatchException("not a sealed path: " + p);
    }

    private Path wrap(Path p) {
        return p == null ? null : new SealedPath(fs, p);
    }

    @Override
    public SealedFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return real.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(real.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(real.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(real.getParent());
    }

    @Override
    public int getNameCount() {
        return real.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(real.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(real.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof SealedPath s && real.startsWith(s.real);
    }

    @Override
    public boolean startsWith(String other) {
        return real.startsWith(other);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof SealedPath s && real.endsWith(s.real);
    }

    @Override
    public boolean endsWith(String other) {
        return real.endsWith(other);
    }

    @Override
    public Path normalize() {
        return wrap(real.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(real.resolve(unwrap(other)));
    }

    @Override
    public Path resolve(String other) {
        return wrap(real.resolve(other));
    }

    @Override
    public Path resolveSibling(String other) {
        return wrap(real.resolveSibling(other));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(real.relativize(unwrap(other)));
    }

    @Override
    public URI toUri() {
        return real.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(real.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(real.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watching of sealed paths");
    }

    @Override
    public int compareTo(Path other) {
        return real.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedPath s && s.fs == fs && s.real.equals(real);
    }

    @Override
    public int hashCode() {
        return real.hashCode();
    }

    @Override
    public String toString() {
        return real.toString();
    }
}
