package dev.strata.domain.event;

import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.Shown;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What an {@link Event} says happened; the wire names are the API's and the webhooks' {@code type}. */
public enum EventType {
    PROJECT_CREATED("project.created"),
    PROJECT_DELETED("project.deleted"),
    PROJECT_SLEPT("project.slept"),
    PROJECT_WOKE("project.woke"),
    DATABASE_CREATED("database.created"),
    DATABASE_STATUS_CHANGED("database.status_changed"),
    DATABASE_RESTARTED("database.restarted"),
    DATABASE_RESIZED("database.resized"),
    DATABASE_SLEPT("database.slept"),
    DATABASE_WOKE("database.woke"),
    DATABASE_DELETED("database.deleted"),
    DATABASE_RESTORED("database.restored"),
    DATABASE_BRANCHED("database.branched"),
    BACKUP_COMPLETED("backup.completed"),
    BACKUP_FAILED("backup.failed"),
    /** A person had a secret shown or copied in the dashboard (data: resource, field, action, user; never the value). */
    SECRET_REVEALED("secret.revealed");

    public static final String CHOICES = Arrays.stream(values()).map(EventType::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The type of a wire name; 400 on {@code field} naming the choices otherwise. */
    public static EventType parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(field, field + " is required");
        }
        String name = text.strip();
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst().orElseThrow(() ->
                new InvalidInputException(field, field + " must be one of " + CHOICES + " (got " + Shown.quoted(text) + ")"));
    }
}
