package dev.strata.provisioning.storage.embedded.sealed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What the object that the S3 request being served on this thread publishes must carry from its first visible
 * moment (Object Lock retention and legal hold, tags): s3proxy writes every object to a temporary file
 * {@code <name>-<uuid>} beside its key and publishes it by renaming (or, for If-None-Match: *, linking) that file to
 * the key, on the request's thread; {@link SealedFileSystemProvider} writes what is expected here on the temporary
 * file before it forces and renames it. So the version is never visible without them (not even after a crash
 * between the two), and they go on the file this request wrote, never on another write's version of the same key.
 */
public final class Publication {

    /** Writes the attributes on the file about to be published. */
    @FunctionalInterface
    public interface Attach {
        void to(Path file) throws IOException;
    }

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private Publication() {
    }

    /**
     * Until the returned scope is closed, the file this thread publishes at {@code target} (the real path of the
     * key's file) gets {@code attach} first.
     */
    public static Scope expect(Path target, Attach attach) {
        Scope scope = new Scope(target.toAbsolutePath().normalize(), attach, CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /**
     * Whether moving or linking {@code from} to {@code to} publishes a write: s3proxy's temporary file
     * {@code <name>-<uuid>} beside the key {@code <name>} becomes the key (not, say, an old version moved aside).
     */
    static boolean publishes(Path from, Path to) {
        Path target = to.toAbsolutePath().normalize();
        Path source = from.toAbsolutePath().normalize();
        return target.getFileName() != null && source.getFileName() != null && source.getParent() != null
                && source.getParent().equals(target.getParent())
                && source.getFileName().toString().startsWith(target.getFileName() + "-");
    }

    /** Called by the provider before {@code from} becomes {@code to}: attaches what is expected if this is that publication. */
    static void publishing(Path from, Path to) throws IOException {
        Scope scope = CURRENT.get();
        if (scope == null || scope.attached || from.getFileName() == null || to.getFileName() == null) {
            return;
        }
        if (!publishes(from, to) || !to.toAbsolutePath().normalize().equals(scope.target)) {
            return;
        }
        Path target = to.toAbsolutePath().normalize();
        try {
            scope.attach.to(from);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) {
            throw new IOException("cannot set the attributes of " + target.getFileName() + " before publishing it: " + e.getMessage(), e);
        }
        scope.attached = true;
    }

    /** One expected publication, for the span of a request. */
    public static final class Scope implements AutoCloseable {
        private final Path target;
        private final Attach attach;
        private final Scope previous;
        private boolean attached;

        private Scope(Path target, Attach attach, Scope previous) {
            this.target = target;
            this.attach = attach;
            this.previous = previous;
        }

        /** Whether the file published at the target got the attributes (false: nothing was published there by this thread). */
        public boolean attached() {
            return attached;
        }

        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
