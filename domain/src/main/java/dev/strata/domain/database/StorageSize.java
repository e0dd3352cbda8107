package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.UnprocessableException;

/**
 * The disk given to a database, in whole gigabytes, from 1 to 1024. It can grow but never shrink: volumes
 * cannot be made smaller without losing data.
 */
public record StorageSize(int gb) {

    public static final String FIELD = "storageGb";
    public static final int MIN_GB = 1;
    public static final int MAX_GB = 1024;

    public static final StorageSize DEFAULT = new StorageSize(10);

    /** @throws InvalidInputException (field {@code storageGb}) if {@code gb} is outside 1..1024 */
    public StorageSize {
        if (gb < MIN_GB || gb > MAX_GB) {
            throw new InvalidInputException(FIELD,
                    FIELD + " must be between " + MIN_GB + " and " + MAX_GB + " (got " + gb + ")");
        }
    }

    /**
     * The size after resizing to {@code next}: {@code next} itself when it is at least this size.
     *
     * @throws UnprocessableException (field {@code storageGb}) if {@code next} is smaller than this size
     * @throws InvalidInputException  (field {@code storageGb}) if {@code next} is null
     */
    public StorageSize growTo(StorageSize next) {
        if (next == null) {
            throw new InvalidInputException(FIELD, FIELD + " is required");
        }
        if (next.gb < gb) {
            throw new UnprocessableException(FIELD, FIELD + " can only grow: the database has " + gb + " GB, "
                    + next.gb + " was requested");
        }
        return next;
    }
}
