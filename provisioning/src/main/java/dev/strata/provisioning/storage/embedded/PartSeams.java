package dev.strata.provisioning.storage.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The sizes of the parts a multipart object was completed from, in order, kept in an extended attribute of its
 * file (s3proxy joins the parts into one file): what GET and HEAD with {@code ?partNumber} need. Objects completed
 * before Strata kept them have none.
 */
final class PartSeams {

    private static final Logger LOG = Logger.getLogger(PartSeams.class.getName());
    private static final String ATTRIBUTE = "user.strata.parts";

    private PartSeams() {
    }

    static void write(Path file, List<Long> sizes) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        String value = String.join(",", sizes.stream().map(String::valueOf).toList());
        try {
            view.write(ATTRIBUTE, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            // the object is stored and answers everything but ?partNumber > 1
            LOG.warning(() -> "cannot record the part sizes of " + file + ": " + e);
        }
    }

    static Optional<long[]> read(Path file) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        try {
            if (view == null || !view.list().contains(ATTRIBUTE)) {
                return Optional.empty();
            }
            ByteBuffer buf = ByteBuffer.allocate(view.size(ATTRIBUTE));
            view.read(ATTRIBUTE, buf);
            String value = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            return Optional.of(Arrays.stream(value.split(",")).mapToLong(Long::parseLong).toArray());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
