package dev.strata.api.event;

import dev.strata.api.Timestamps;
import dev.strata.api.database.PageMetaDto;
import dev.strata.domain.event.Event;
import dev.strata.provisioning.event.EventPage;

/** Events to DTOs. */
public final class EventAssembler {

    private EventAssembler() {
    }

    public static EventDto toDto(Event e) {
        return new EventDto(e.id(), e.type().wireName(), Timestamps.format(e.occurredAt()), e.workspaceId(), e.projectId(),
                e.databaseId(), e.backupId(), e.message(), e.data().fields());
    }

    public static EventListDto toDto(EventPage page) {
        return new EventListDto(page.items().stream().map(EventAssembler::toDto).toList(),
                new PageMetaDto(page.total(), page.page(), page.limit(), page.totalPages()));
    }
}
