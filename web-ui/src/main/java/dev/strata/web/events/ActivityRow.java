package dev.strata.web.events;

import dev.strata.domain.event.Event;
import java.time.Instant;

/** One line of an activity list: what happened, when, and the database it is about (null when none). */
public record ActivityRow(String type, String message, Instant occurredAt, String databaseId) {

    public static ActivityRow of(Event e) {
        return new ActivityRow(e.type().wireName(), e.message(), e.occurredAt(), e.databaseId());
    }
}
