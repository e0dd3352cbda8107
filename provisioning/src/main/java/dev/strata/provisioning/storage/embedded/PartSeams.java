package dev.strata.provisioning.storage.embedded;

import java.nio.file.Path;
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
        String value = String.join(",", sizes.stream().map(String::valueOf).toList());
        try {
            Xattrs.write(file, ATTRIBUTE, value);
        } catch (RuntimeException e) {
            // the object is stored and answers everything but ?partNumber > 1
            LOG.warning(() -> "cannot record the part sizes of " + file + ": " + e);
        }
    }

    static Optional<long[]> read(Path file) {
        try {
            return Xattrs.read(file, ATTRIBUTE).map(v -> Arrays.stream(v.split(",")).mapToLong(Long::parseLong).toArray());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
