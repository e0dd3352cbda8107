package dev.strata.domain.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.PageRequest;
import dev.strata.domain.shared.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void typesParseByWireNameOnlyAndNameTheChoices() {
        assertThat(EventType.parse("type", "database.status_changed")).isEqualTo(EventType.DATABASE_STATUS_CHANGED);
        assertThat(EventType.parse("type", " backup.failed ")).isEqualTo(EventType.BACKUP_FAILED);
        assertThatThrownBy(() -> EventType.parse("type", "DATABASE_CREATED")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("type must be one of project.created, project.deleted")
                .hasMessageContaining("(got 'DATABASE_CREATED')");
        assertThat(EventType.values()).extracting(EventType::wireName).containsExactly("project.created", "project.deleted",
                "project.slept", "project.woke", "database.created", "database.status_changed", "database.restarted",
                "database.resized", "database.slept", "database.woke", "database.deleted", "database.restored",
                "database.branched", "backup.completed", "backup.failed", "secret.revealed");
    }

    @Test
    void dataIsAFlatJsonObjectThatReadsBackTheSame() {
        EventData data = EventData.builder().put("from", "provisioning").put("to", "ready").put("storageGb", 20)
                .put("statusMessage", "quote \" backslash \\ newline \n tab \t ctl \u0001 ünïcode").put("left out", (String) null).build();
        assertThat(data.toJson()).isEqualTo("{\"from\":\"provisioning\",\"to\":\"ready\",\"storageGb\":20,"
                + "\"statusMessage\":\"quote \\\" backslash \\\\ newline \\n tab \\t ctl \\u0001 ünïcode\"}");
        EventData back = EventData.fromJson(data.toJson());
        assertThat(back.fields()).containsExactly(
                java.util.Map.entry("from", "provisioning"), java.util.Map.entry("to", "ready"), java.util.Map.entry("storageGb", 20L),
                java.util.Map.entry("statusMessage", "quote \" backslash \\ newline \n tab \t ctl \u0001 ünïcode"));
        assertThat(EventData.fromJson("{}")).isEqualTo(EventData.NONE);
        assertThat(EventData.NONE.toJson()).isEqualTo("{}");
    }

    @Test
    void anEventIsOrderedByItsDatabaseElseProjectElseWorkspace() {
        Event db = Event.record(EventType.DATABASE_CREATED, "ws_1", "proj_1", "db_1", null, "created", EventData.NONE, NOW);
        Event project = Event.record(EventType.PROJECT_SLEPT, "ws_1", "proj_1", null, null, "slept", EventData.NONE, NOW);
        Event workspace = Event.record(EventType.PROJECT_CREATED, "ws_1", null, null, null, "created", null, NOW);
        assertThat(db.orderingKey()).isEqualTo("db_1");
        assertThat(project.orderingKey()).isEqualTo("proj_1");
        assertThat(workspace.orderingKey()).isEqualTo("ws_1");
        assertThat(db.id()).startsWith("evt_");
        assertThat(db.occurredAt()).isEqualTo(NOW);
        assertThat(workspace.data()).isEqualTo(EventData.NONE);
        assertThat(project.id().compareTo(db.id())).isPositive(); // recorded later: sorts later
    }

    @Test
    void aLongMessageIsCutNotRefused() {
        Event e = Event.record(EventType.BACKUP_FAILED, "ws_1", null, "db_1", "bkp_1", "x".repeat(5000), EventData.NONE, NOW);
        assertThat(e.message()).hasSize(Event.MESSAGE_MAX).endsWith("…");
    }

    @Test
    void pagingFollowsTheSeedRules() {
        List<FieldError> errors = new ArrayList<>();
        assertThat(PageRequest.parse(null, "", errors)).isEqualTo(new PageRequest(1, 20));
        assertThat(PageRequest.parse("3", "50", errors)).isEqualTo(new PageRequest(3, 50));
        assertThat(new PageRequest(3, 50).offset()).isEqualTo(100);
        assertThat(new PageRequest(1, 20).totalPages(41)).isEqualTo(3);
        assertThat(errors).isEmpty();
        PageRequest.parse("0", "abc", errors);
        PageRequest.parse("1", "101", errors);
        assertThat(errors).extracting(FieldError::field).containsExactly("page", "limit", "limit");
        assertThat(errors).extracting(FieldError::message).containsExactly("page must be between 1 and 21474836 (got 0)",
                "limit must be an integer (got 'abc')", "limit must be between 1 and 100 (got 101)");
    }
}
