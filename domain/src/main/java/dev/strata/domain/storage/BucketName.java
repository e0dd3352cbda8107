package dev.strata.domain.storage;

import dev.strata.domain.shared.InvalidInputException;
import java.util.regex.Pattern;

/**
 * An S3 bucket name: 3-63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or
 * digit, not shaped like an IP address, without the prefixes and suffixes S3 reserves.
 */
public record BucketName(String value) {

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern IP = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    public BucketName {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("name", "name is required");
        }
        String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        if (value.length() < 3 || value.length() > 63) {
            throw new InvalidInputException("name", "bucket name must be 3-63 characters long (got " + value.length() + ")");
        }
        if (IP.matcher(value).matches()) {
            throw new InvalidInputException("name", "bucket name must not look like an IP address (got '" + shown + "')");
        }
        if (!SHAPE.matcher(value).matches()) {
            throw new InvalidInputException("name", "bucket name may contain only lowercase letters, digits and '-', and must start and end with a letter or digit (got '" + shown + "')");
        }
        if (value.startsWith("xn--") || value.startsWith("sthree-") || value.endsWith("-s3alias") || value.endsWith("--ol-s3")) {
            throw new InvalidInputException("name", "bucket name uses a prefix or suffix that S3 reserves (got '" + shown + "')");
        }
    }
}
