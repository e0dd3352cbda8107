package dev.strata.api.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.event.Event;
import dev.strata.domain.event.EventData;
import dev.strata.domain.event.EventType;
import dev.strata.provisioning.event.EventPage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventAssemblerTest {

    @Test
    void anEventBecomesTheWireShape() {
        Event e = Event.record(EventType.DATABASE_STATUS_CHANGED, "ws_1", null, "db_1", null, "Database app is ready (was provisioning)",
                EventData.builder().put("from", "provisioning").put("to", "ready").build(), Instant.parse("2026-12-06T10:00:00.123Z"));
        EventDto dto = EventAssembler.toDto(e);
        assertThat(dto.id()).isEqualTo(e.id()).startsWith("evt_");
        assertThat(dto.type()).isEqualTo("database.status_changed");
        assertThat(dto.occurredAt()).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(dto.workspaceId()).isEqualTo("ws_1");
        assertThat(dto.projectId()).isNull();
        assertThat(dto.databaseId()).isEqualTo("db_1");
        assertThat(dto.backupId()).isNull();
        assertThat(dto.message()).isEqualTo("Database app is ready (was provisioning)");
        assertThat(dto.data()).containsExactly(Map.entry("from", "provisioning"), Map.entry("to", "ready"));
    }

    @Test
    void aPageCarriesTheSeedMeta() {
        Event e = Event.record(EventType.PROJECT_CREATED, "ws_1", "proj_1", null, null, "Project p was created", EventData.NONE, Instant.now());
        EventListDto list = EventAssembler.toDto(new EventPage(List.of(e), 41, 2, 20));
        assertThat(list.data()).hasSize(1);
        assertThat(list.meta().total()).isEqualTo(41);
        assertThat(list.meta().page()).isEqualTo(2);
        assertThat(list.meta().limit()).isEqualTo(20);
        assertThat(list.meta().totalPages()).isEqualTo(3);
    }
}
