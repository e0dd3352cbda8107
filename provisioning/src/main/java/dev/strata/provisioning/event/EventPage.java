package dev.strata.provisioning.event;

import dev.strata.domain.event.Event;
import java.util.List;

/** One page of events (newest first) and the total that matched. */
public record EventPage(List<Event> items, long total, int page, int limit) {

    public int totalPages() {
        return (int) ((total + limit - 1) / limit);
    }
}
