package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.event.EventType;
import dev.strata.domain.shared.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    @Test
    void onlyGivenFiltersNarrowTheQuery() {
        assertThat(new EventFilter("ws_1", null, null, null, null).where()).isEqualTo(" from Event e where e.workspaceId = :ws");
        assertThat(new EventFilter("ws_1", "db_1", "proj_1", EventType.DATABASE_WOKE, Instant.EPOCH).where())
                .isEqualTo(" from Event e where e.workspaceId = :ws and e.databaseId = :db and e.projectId = :proj"
                        + " and e.type = :type and e.occurredAt >= :since");
    }

    @Test
    void sinceIsAnRfc3339Instant() {
        List<FieldError> errors = new ArrayList<>();
        assertThat(EventLog.instant("since", "2026-12-06T10:00:00Z", errors)).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(EventLog.instant("since", "2026-12-06T11:00:00.5+01:00", errors)).isEqualTo(Instant.parse("2026-12-06T10:00:00.5Z"));
        assertThat(errors).isEmpty();
        assertThat(EventLog.instant("since", "yesterday", errors)).isNull();
        assertThat(EventLog.instant("since", "2026-12-06", errors)).isNull();
        assertThat(errors).extracting(FieldError::field).containsExactly("since", "since");
        assertThat(errors.get(0).message()).isEqualTo("since must be an RFC 3339 instant such as 2026-12-06T10:00:00Z (got 'yesterday')");
    }
}
