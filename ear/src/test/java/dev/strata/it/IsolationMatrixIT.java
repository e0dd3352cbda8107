package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenant isolation on every endpoint: workspace B's key, used with every id of workspace A (database, project,
 * bucket, storage key, workspace), is answered 404 — never 200, never 403 (which would confirm the id exists) —
 * and A's things are unchanged afterwards. A revoked key is refused at once on every endpoint.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IsolationMatrixIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api a = Api.withBootstrapKey();

    @Test
    void workspaceBSeesNothingOfWorkspaceAOnAnyEndpoint() throws Exception {
        String wsA = a.workspaceId();
        TestDatabases dbsA = new TestDatabases(a, wsA);
        String project = a.post("/api/v1/projects", "{\"name\":\"isolated\"}").text("id");
        String db = dbsA.create("isolated-cache", "{\"name\":\"Isolated\",\"slug\":\"isolated-cache\",\"engine\":\"redis\",\"projectId\":\"" + project + "\"}");
        dbsA.awaitStatus(db, "ready", Duration.ofSeconds(60));
        Api.Reply bucket = a.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"isolated-bucket\"}");
        assertThat(bucket.status()).as(bucket.raw()).isEqualTo(201);
        String bucketId = bucket.text("id");
        String accessKey = a.get("/api/v1/projects/" + project + "/storage-keys").json().path("data").get(0).path("accessKeyId").asText();
        String before = a.get(dbsA.path(db)).raw() + a.get("/api/v1/projects/" + project).raw() + a.get("/api/v1/storage/buckets/" + bucketId).raw()
                + a.get("/api/v1/projects/" + project + "/storage-keys").raw();

        String keyB = "strata_sk_isolationMatrix" + System.nanoTime();
        String wsB = Tenants.insertWorkspaceWithKey(keyB, false);
        Api b = new Api(keyB);
        try {
            String dbA = dbsA.path(db);
            String[][] matrix = {
                    {"GET", "/api/v1/workspaces/" + wsA + "/databases"},
                    {"POST", "/api/v1/workspaces/" + wsA + "/databases", "{\"name\":\"x\",\"slug\":\"intruder\",\"engine\":\"redis\"}"},
                    {"GET", dbA}, {"PATCH", dbA, "{\"name\":\"pwned\"}"}, {"DELETE", dbA},
                    {"POST", dbA + "/sleep", ""}, {"POST", dbA + "/wake", ""}, {"GET", dbA + "/status"}, {"GET", dbA + "/connection"},
                    // A's database id under B's own workspace path
                    {"GET", "/api/v1/workspaces/" + wsB + "/databases/" + db}, {"PATCH", "/api/v1/workspaces/" + wsB + "/databases/" + db, "{\"name\":\"pwned\"}"},
                    {"DELETE", "/api/v1/workspaces/" + wsB + "/databases/" + db}, {"GET", "/api/v1/workspaces/" + wsB + "/databases/" + db + "/connection"},
                    {"POST", "/api/v1/workspaces/" + wsB + "/databases/" + db + "/sleep", ""},
                    {"GET", "/api/v1/projects/" + project}, {"DELETE", "/api/v1/projects/" + project},
                    {"POST", "/api/v1/projects/" + project + "/sleep", ""}, {"POST", "/api/v1/projects/" + project + "/wake", ""},
                    {"GET", "/api/v1/projects/" + project + "/env"}, {"GET", "/api/v1/projects/" + project + "/env?format=dotenv"},
                    {"GET", "/api/v1/projects/" + project + "/storage-keys"}, {"POST", "/api/v1/projects/" + project + "/storage-keys", ""},
                    {"DELETE", "/api/v1/projects/" + project + "/storage-keys/" + accessKey},
                    {"GET", "/api/v1/storage/buckets/" + bucketId}, {"DELETE", "/api/v1/storage/buckets/" + bucketId}};
            List<String> leaks = new ArrayList<>();
            for (String[] call : matrix) {
                Api.Reply r = b.send(call[0], call[1], call.length > 2 ? call[2] : null, call.length > 2 ? "application/json" : null);
                if (r.status() != 404 || !r.contentType().startsWith("application/problem+json")) {
                    leaks.add(call[0] + " " + call[1] + " → " + r.status() + " " + r.raw());
                }
            }
            assertThat(leaks).as("B's key on A's ids").isEmpty();

            // collection endpoints answer B's own (empty) world, never A's things
            assertThat(b.get("/api/v1/projects").json().path("data")).isEmpty();
            assertThat(b.get("/api/v1/storage/buckets").json().path("data")).isEmpty();
            assertThat(b.get("/api/v1/databases").json().path("data")).isEmpty();
            assertThat(b.get("/api/v1/storage/buckets?projectId=" + project).json().path("data")).isEmpty();
            assertThat(b.get("/api/v1/databases?projectId=" + project).raw()).doesNotContain(db);
            // A's project as the target of B's creations: refused as unknown in B's workspace (seed 000: 422)
            Api.Reply seeded = b.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"redis\"}");
            assertThat(seeded.status()).as(seeded.raw()).isEqualTo(422);
            Api.Reply foreignBucket = b.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"intruder-bucket\"}");
            assertThat(foreignBucket.status()).as(foreignBucket.raw()).isEqualTo(422);

            String after = a.get(dbsA.path(db)).raw() + a.get("/api/v1/projects/" + project).raw() + a.get("/api/v1/storage/buckets/" + bucketId).raw()
                    + a.get("/api/v1/projects/" + project + "/storage-keys").raw();
            assertThat(stable(after)).as("A's things are untouched").isEqualTo(stable(before));
            assertThat(a.get(dbsA.path(db)).text("status")).isEqualTo("ready");
        } finally {
            dbsA.deleteQuietly(db);
            a.delete("/api/v1/storage/buckets/" + bucketId);
            a.delete("/api/v1/projects/" + project);
        }
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceOnEveryEndpoint() throws Exception {
        String revoked = "strata_sk_revokedMatrix" + System.nanoTime();
        String ws = Tenants.insertWorkspaceWithKey(revoked, true);
        Api r = new Api(revoked);
        for (String[] call : new String[][] {{"GET", "/api/v1/workspaces"}, {"GET", "/api/v1/workspaces/" + ws + "/databases"},
                {"POST", "/api/v1/projects"}, {"GET", "/api/v1/projects"}, {"GET", "/api/v1/databases"}, {"GET", "/api/v1/storage/buckets"},
                {"GET", "/api/v1/engines"}}) {
            Api.Reply reply = r.send(call[0], call[1], call[0].equals("POST") ? "{\"name\":\"x\"}" : null,
                    call[0].equals("POST") ? "application/json" : null);
            assertThat(reply.status()).as(call[0] + " " + call[1]).isEqualTo(401);
            assertThat(reply.contentType()).startsWith("application/problem+json");
        }
    }

    /** Without the fields that change by themselves. */
    private static String stable(String s) {
        return s.replaceAll("\"(storageUsedBytes|updatedAt|lastUsedAt)\":[^,}]*", "");
    }
}
