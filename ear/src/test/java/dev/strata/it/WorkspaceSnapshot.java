package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;

/**
 * Everything a workspace holds as the API shows it (every list and detail: databases in both dialects, projects,
 * buckets, storage keys), as text, without the fields that change by themselves (the reconciler's status and
 * usage, timestamps), with each answer's status: equal snapshots before and after a batch of refused requests mean nothing was changed.
 */
public final class WorkspaceSnapshot {

    private WorkspaceSnapshot() {
    }

    public static String of(Api api, String ws, String project, String db) {
        StringBuilder s = new StringBuilder();
        for (String path : List.of("/api/v1/workspaces/" + ws + "/databases?limit=100", "/api/v1/databases?limit=100", "/api/v1/projects",
                "/api/v1/projects/" + project, "/api/v1/storage/buckets", "/api/v1/projects/" + project + "/storage-keys",
                "/api/v1/workspaces/" + ws + "/databases/" + db)) {
            // the status is part of the state: an accepted request may delete the project or database (a 404 then)
            Api.Reply r = api.get(path);
            assertThat(r.status()).as(path + " " + r.raw()).isIn(200, 404);
            JsonNode copy = r.json().deepCopy();
            strip(copy);
            s.append(path).append(' ').append(r.status()).append(' ').append(copy).append('\n');
        }
        return s.toString();
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(List.of("storageUsedBytes", "updatedAt", "lastUsedAt", "status", "statusMessage")); // the reconciler's
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                strip(it.next());
            }
        } else if (n.isArray()) {
            n.forEach(WorkspaceSnapshot::strip);
        }
    }
}
