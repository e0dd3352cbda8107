package dev.strata.domain.storage;

import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * How much a project's buckets may hold: bytes and objects, each null for no limit. Enforced by the object store
 * with S3's own refusal ({@code 403 QuotaExceeded}, as Ceph RGW answers) on writes that would go beyond.
 */
public record StorageQuota(Long maxBytes, Long maxObjects) {

    /** Largest limit accepted (2^53: what every JSON client reads exactly). */
    public static final long MAX = 1L << 53;

    public static final StorageQuota NONE = new StorageQuota(null, null);

    public StorageQuota {
        List<FieldError> errors = new ArrayList<>();
        check("maxBytes", maxBytes, errors);
        check("maxObjects", maxObjects, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid", errors);
        }
    }

    private static void check(String field, Long value, List<FieldError> errors) {
        if (value != null && (value < 0 || value > MAX)) {
            errors.add(new FieldError(field, field + " must be between 0 and " + MAX + " or null for no limit (got " + value + ")"));
        }
    }

    public boolean limited() {
        return maxBytes != null || maxObjects != null;
    }
}
