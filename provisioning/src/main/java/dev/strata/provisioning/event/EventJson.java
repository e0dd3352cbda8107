package dev.strata.provisioning.event;

import dev.strata.domain.event.Event;
import dev.strata.domain.event.EventData;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;

/**
 * An event as the JSON body of a webhook delivery: the same fields, order and formats as the API's event
 * ({@code GET …/events}), ids that do not apply as null.
 */
public final class EventJson {

    private EventJson() {
    }

    public static byte[] body(Event e) {
        String json = "{\"id\":" + str(e.id())
                + ",\"type\":" + str(e.type().wireName())
                + ",\"occurredAt\":" + str(e.occurredAt().truncatedTo(ChronoUnit.SECONDS).toString())
                + ",\"workspaceId\":" + str(e.workspaceId())
                + ",\"projectId\":" + str(e.projectId())
                + ",\"databaseId\":" + str(e.databaseId())
                + ",\"backupId\":" + str(e.backupId())
                + ",\"message\":" + str(e.message())
                + ",\"data\":" + e.data().toJson() + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(String s) {
        return s == null ? "null" : EventData.jsonString(s);
    }
}
