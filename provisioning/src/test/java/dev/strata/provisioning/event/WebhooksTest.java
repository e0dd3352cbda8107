package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.event.EventType;
import dev.strata.domain.shared.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhooksTest {

    @Test
    void eventsAreTypesOrAStar() {
        List<FieldError> errors = new ArrayList<>();
        assertThat(Webhooks.eventTypes(List.of("database.created", "backup.failed"), errors))
                .containsExactlyInAnyOrder(EventType.DATABASE_CREATED, EventType.BACKUP_FAILED);
        assertThat(Webhooks.eventTypes(List.of("*"), errors)).isEmpty();
        assertThat(errors).isEmpty();
        Webhooks.eventTypes(null, errors);
        Webhooks.eventTypes(List.of(), errors);
        Webhooks.eventTypes(List.of("*", "database.created"), errors);
        Webhooks.eventTypes(List.of("database.exploded"), errors);
        assertThat(errors).extracting(FieldError::field).containsOnly("events");
        assertThat(errors).extracting(FieldError::message).satisfiesExactly(
                m -> assertThat(m).startsWith("events is required"),
                m -> assertThat(m).startsWith("events is required"),
                m -> assertThat(m).contains("not both"),
                m -> assertThat(m).contains("(got 'database.exploded')"));
    }

    @Test
    void theDeliveryBodyIsTheEventJson() {
        dev.strata.domain.event.Event e = dev.strata.domain.event.Event.record(EventType.DATABASE_STATUS_CHANGED, "ws_1", null, "db_1", null,
                "Database \"app\" is ready", dev.strata.domain.event.EventData.builder().put("from", "provisioning").put("to", "ready").build(),
                java.time.Instant.parse("2026-12-06T10:00:00.700Z"));
        assertThat(new String(EventJson.body(e), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"" + e.id()
                + "\",\"type\":\"database.status_changed\",\"occurredAt\":\"2026-12-06T10:00:00Z\",\"workspaceId\":\"ws_1\",\"projectId\":null,"
                + "\"databaseId\":\"db_1\",\"backupId\":null,\"message\":\"Database \\\"app\\\" is ready\","
                + "\"data\":{\"from\":\"provisioning\",\"to\":\"ready\"}}");
    }
}
