package dev.strata.provisioning.storage.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Putting the object store's files and directories on disk (fsync). */
public final class Durable {

    private Durable() {
    }

    /** Forces a file's bytes and attributes, or a directory's entries, to disk. */
    public static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
