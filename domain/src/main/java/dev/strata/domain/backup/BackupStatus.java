package dev.strata.domain.backup;

import dev.strata.domain.shared.Shown;
import dev.strata.domain.shared.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a backup is: {@code pending → running → completed | failed}. Completed and failed are final. */
public enum BackupStatus {
    PENDING, RUNNING, COMPLETED, FAILED;

    private static final String CHOICES = Arrays.stream(values()).map(BackupStatus::wireName).collect(Collectors.joining(", "));

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == COMPLETED || this == FAILED;
    }

    public static BackupStatus parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(field, field + " is required");
        }
        String name = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst().orElseThrow(() ->
                new InvalidInputException(field, field + " must be one of " + CHOICES + " (got " + Shown.quoted(text) + ")"));
    }
}
