package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hundreds of generated malformed and hostile requests against every endpoint: wrong JSON types, broken JSON,
 * huge and deeply nested bodies, unicode tricks, injection-shaped names and slugs, negative and overflowing
 * numbers, unknown fields, wrong content types and accept headers, path traversal and junk in ids and query
 * parameters. Every one must get a 4xx problem+json answer (never a 5xx, never an HTML error page), and afterwards
 * everything the workspace holds must be exactly as before.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileInputIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Api api = Api.withBootstrapKey();

    /** One hostile request. */
    record Hostile(String method, String path, byte[] body, String contentType, String accept, String why) {
        @Override
        public String toString() {
            String shown = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return method + " " + (path.length() > 120 ? path.substring(0, 120) + "…" : path) + " [" + why + "] "
                    + (shown.length() > 120 ? shown.substring(0, 120) + "…(" + body.length + " bytes)" : shown);
        }
    }

    @Test
    void everyHostileRequestIsA4xxProblemAndChangesNothing() throws Exception {
        String ws = api.workspaceId();
        TestDatabases dbs = new TestDatabases(api, ws);
        String project = api.post("/api/v1/projects", "{\"name\":\"hostile target\"}").text("id");
        String db = dbs.create("hostile-target");
        dbs.awaitStatus(db, "ready", Duration.ofSeconds(90));
        Api.Reply bucket = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"hostile-bucket\"}");
        String bucketId = bucket.status() == 201 ? bucket.text("id") : null;
        try {
            String before = WorkspaceSnapshot.of(api, ws, project, db);
            List<Hostile> requests = generate(ws, project, db, bucketId);
            assertThat(requests).hasSizeGreaterThanOrEqualTo(200);

            List<String> wrong = new ArrayList<>();
            Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
            for (Hostile h : requests) {
                HttpResponse<String> r;
                try {
                    r = send(h);
                } catch (java.io.IOException e) {
                    wrong.add(h + " → no answer: " + e.getMessage());
                    continue;
                }
                byStatus.merge(r.statusCode(), 1, Integer::sum);
                String type = r.headers().firstValue("Content-Type").orElse("");
                String problem = checkProblem(r.statusCode(), type, r.body());
                if (problem != null) {
                    wrong.add(h + " → " + r.statusCode() + " " + type + ": " + problem + " " + clip(r.body()));
                }
                // the contract test, as for every Api answer: the status is one the operation documents, the body a Problem
                List<String> broken = ContractValidator.shared().problems(h.method(), h.path(), r.statusCode(), type, r.body());
                if (!broken.isEmpty()) {
                    wrong.add(h + " → " + r.statusCode() + " " + type + ": not as the OpenAPI document says: " + String.join("; ", broken)
                            + " " + clip(r.body()));
                }
            }
            assertThat(wrong).as("requests not answered with a 4xx problem+json (%d of %d; statuses %s)",
                    wrong.size(), requests.size(), byStatus).isEmpty();
            assertThat(WorkspaceSnapshot.of(api, ws, project, db)).as("nothing changed").isEqualTo(before);
        } finally {
            dbs.deleteQuietly(db);
            if (bucketId != null) {
                api.delete("/api/v1/storage/buckets/" + bucketId);
            }
            api.delete("/api/v1/projects/" + project);
        }
    }

    private static String checkProblem(int status, String type, String body) {
        if (status < 400 || status > 499) {
            return "not a 4xx";
        }
        if (!type.startsWith("application/problem+json")) {
            return "not problem+json";
        }
        try {
            JsonNode p = JSON.readTree(body);
            if (p.path("status").asInt() != status || p.path("title").asText().isEmpty() || p.path("detail").asText().isEmpty()) {
                return "problem without status/title/detail";
            }
        } catch (Exception e) {
            return "problem body is not JSON";
        }
        return null;
    }

    // --- the generated requests ------------------------------------------------------------------------------

    private static List<Hostile> generate(String ws, String project, String db, String bucket) {
        List<Hostile> out = new ArrayList<>();
        String dbs = "/api/v1/workspaces/" + ws + "/databases";
        Map<String, String> createDb = new LinkedHashMap<>();
        createDb.put("name", "\"Valid name\"");
        createDb.put("slug", "\"valid-slug\"");
        createDb.put("engine", "\"postgresql\"");
        createDb.put("memory", "\"512Mi\"");
        createDb.put("cpu", "\"250m\"");
        createDb.put("storageGb", "10");
        Map<String, String> patchDb = new LinkedHashMap<>();
        patchDb.put("name", "\"Valid name\"");
        patchDb.put("memory", "\"512Mi\"");
        patchDb.put("cpu", "\"250m\"");
        patchDb.put("storageGb", "20");
        Map<String, String> createProject = Map.of("name", "\"Valid project\"");
        Map<String, String> seedDb = new LinkedHashMap<>();
        seedDb.put("projectId", "\"" + project + "\"");
        seedDb.put("engine", "\"postgres\"");
        Map<String, String> createBucket = new LinkedHashMap<>();
        createBucket.put("projectId", "\"" + project + "\"");
        createBucket.put("name", "\"valid-bucket-name\"");

        record Target(String method, String path, Map<String, String> valid) {
        }
        List<Target> bodies = List.of(new Target("POST", dbs, createDb), new Target("PATCH", dbs + "/" + db, patchDb),
                new Target("POST", "/api/v1/projects", createProject), new Target("POST", "/api/v1/databases", seedDb),
                new Target("POST", "/api/v1/storage/buckets", createBucket),
                // a string value, so that the field's mutations (invalid UTF-8 in it, given twice) apply; the target
                // database belongs to no project, so even this body unchanged would be refused
                new Target("PATCH", "/api/v1/projects/" + project, Map.of("primaryDatabaseId", "\"" + db + "\"")));

        // values that are wrong for every field: wrong types, nonsense, injection, overflow, unicode tricks
        List<String[]> badValues = List.of(
                new String[] {"null", "null"}, new String[] {"number", "12345"}, new String[] {"boolean", "true"},
                new String[] {"array", "[\"x\"]"}, new String[] {"object", "{\"$ne\":null}"},
                new String[] {"empty", "\"\""}, new String[] {"blank", "\"   \""},
                new String[] {"sql injection", "\"x'; DROP TABLE database; --\""},
                new String[] {"path traversal", "\"../../../etc/passwd\""},
                new String[] {"html", "\"<script>alert(1)</script>\""},
                new String[] {"nul", "\"a\\u0000b\""}, new String[] {"rtl override", "\"\\u202egnp.exe\""},
                new String[] {"lone surrogate", "\"\\ud800\""},
                new String[] {"negative", "-1"}, new String[] {"zero", "0"}, new String[] {"fraction", "10.5"},
                new String[] {"int overflow", "2147483648"}, new String[] {"long overflow", "99999999999999999999999"},
                new String[] {"huge exponent", "1e400"}, new String[] {"negative quantity", "\"-5Gi\""},
                new String[] {"overflow quantity", "\"99999999999999999999Ti\""},
                new String[] {"long string", "\"" + "x".repeat(5000) + "\""});
        for (Target t : bodies) {
            for (String field : t.valid().keySet()) {
                for (String[] bad : badValues) {
                    if (field.equals("name") && List.of("sql injection", "html", "path traversal", "negative quantity",
                            "overflow quantity").contains(bad[0])) {
                        continue; // legitimate display names (free text, shown escaped): not hostile to a name field
                    }
                    if (bad[0].equals("null") && (t.method().equals("PATCH") || List.of("memory", "cpu", "storageGb").contains(field))) {
                        continue; // null means "unchanged" in a PATCH and "the default" for optional fields
                    }
                    Map<String, String> body = new LinkedHashMap<>(t.valid());
                    body.put(field, bad[1]);
                    out.add(json(t.method(), t.path(), toJson(body), field + " " + bad[0]));
                }
            }
            // unknown fields, duplicate keys, wrong shapes of the whole body
            Map<String, String> extra = new LinkedHashMap<>(t.valid());
            extra.put("isAdmin", "true");
            out.add(json(t.method(), t.path(), toJson(extra), "unknown field"));
            out.add(json(t.method(), t.path(), "{\"__proto__\":{\"admin\":true}}", "prototype pollution"));
            for (String[] broken : List.of(new String[] {"truncated", "{\"name\":"}, new String[] {"array body", "[]"},
                    new String[] {"null body", "null"}, new String[] {"string body", "\"hello\""},
                    new String[] {"single quotes", "{'name':'x'}"}, new String[] {"trailing garbage", toJson(t.valid()) + "}}"},
                    new String[] {"comment", "{/* hi */\"name\":\"x\"}"}, new String[] {"empty", ""},
                    new String[] {"deep nesting", "[".repeat(100_000) + "]".repeat(100_000)},
                    new String[] {"deep objects", "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000)},
                    new String[] {"huge body", "{\"name\":\"" + "A".repeat(3 * 1024 * 1024) + "\"}"},
                    new String[] {"many keys", manyKeys()})) {
                out.add(json(t.method(), t.path(), broken[1], broken[0]));
            }
            out.add(new Hostile(t.method(), t.path(), new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                    "application/json", "application/json", "invalid UTF-8"));
            // invalid UTF-8 in a field the endpoint takes, and a field given twice (both values valid): neither may
            // be repaired or picked silently
            String first = t.valid().keySet().iterator().next();
            String utf8Broken = toJson(t.valid()).replaceFirst("\"" + first + "\":\"", "\"" + first + "\":\"\u0001");
            byte[] broken = utf8Broken.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < broken.length; i++) {
                if (broken[i] == 1) {
                    broken[i] = (byte) 0xff;
                }
            }
            out.add(new Hostile(t.method(), t.path(), broken, "application/json", "application/json", "invalid UTF-8 in " + first));
            out.add(json(t.method(), t.path(), toJson(t.valid()).replaceFirst("\\{", "{\"" + first + "\":" + t.valid().get(first) + ","),
                    "duplicate key " + first));
            out.add(new Hostile(t.method(), t.path(), toJson(t.valid()).getBytes(StandardCharsets.UTF_8), "application/json; charset=nonsense",
                    "application/json", "charset nonsense"));
            for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
                out.add(new Hostile(t.method(), t.path(), toJson(t.valid()).getBytes(StandardCharsets.UTF_8), type, "application/json",
                        "content type " + type));
            }
            out.add(new Hostile(t.method(), t.path(), toJson(t.valid()).getBytes(StandardCharsets.UTF_8), "application/json",
                    "application/xml", "accept xml"));
        }

        // ids: traversal, injection, junk, other prefixes, absurd length; on every endpoint that takes one
        // (%00 and invalid UTF-8 escapes are refused by the HTTP edge before any application runs; a malformed escape
        // like %zz cannot be sent with java.net.URI at all: ApiFuzzIT sends those over a raw socket)
        List<String> badIds = List.of("%00", "%C3%28", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "db_'%20OR%20'1'%3D'1", "%E2%80%AE",
                "db_01jzzzzzzzzzzzzzzzzzzzzzzz", "proj_01jzzzzzzzzzzzzzzzzzzzzzzz", "x".repeat(3000), "%F0%9F%92%A3",
                "db_" + "0".repeat(26), "*", "null");
        for (String id : badIds) {
            for (String[] e : List.of(new String[] {"GET", dbs + "/" + id}, new String[] {"PATCH", dbs + "/" + id},
                    new String[] {"DELETE", dbs + "/" + id}, new String[] {"POST", dbs + "/" + id + "/sleep"},
                    new String[] {"GET", dbs + "/" + id + "/connection"}, new String[] {"GET", "/api/v1/workspaces/" + id + "/databases"},
                    new String[] {"GET", "/api/v1/projects/" + id}, new String[] {"DELETE", "/api/v1/projects/" + id},
                    new String[] {"GET", "/api/v1/projects/" + id + "/env"}, new String[] {"POST", "/api/v1/projects/" + id + "/storage-keys"},
                    new String[] {"DELETE", "/api/v1/projects/" + project + "/storage-keys/" + id},
                    new String[] {"GET", "/api/v1/storage/buckets/" + id}, new String[] {"DELETE", "/api/v1/storage/buckets/" + id})) {
                out.add(e[0].equals("PATCH") ? json("PATCH", e[1], "{\"name\":\"x\"}", "bad id " + clip(id))
                        : new Hostile(e[0], e[1], null, null, "application/json", "bad id " + clip(id)));
            }
            out.add(json("PATCH", "/api/v1/projects/" + id, "{\"primaryDatabaseId\":null}", "bad project id " + clip(id)));
            // the same junk as the chosen primary database: no database of this project, refused
            out.add(json("PATCH", "/api/v1/projects/" + project, "{\"primaryDatabaseId\":\"" + id + "\"}", "bad primaryDatabaseId " + clip(id)));
        }

        // query parameters
        for (String q : List.of("page=-1", "page=abc", "page=99999999999999999999", "limit=0", "limit=-5", "limit=100000",
                "limit=1e3", "engine=oracle", "engine=%3Cscript%3E", "status=running", "status=%27%20OR%201%3D1", "page=1&page=2", "search=a%00b", "projectId=a%00b", "limit=10&limit=10")) {
            out.add(new Hostile("GET", dbs + "?" + q, null, null, "application/json", "query " + q));
            out.add(new Hostile("GET", "/api/v1/databases?" + q, null, null, "application/json", "seed query " + q));
        }
        out.add(new Hostile("GET", "/api/v1/projects/" + project + "/env?format=xml", null, null, "application/json", "env format"));
        // a database that is not the project's (the target database belongs to no project)
        out.add(json("PATCH", "/api/v1/projects/" + project, "{\"primaryDatabaseId\":\"" + db + "\"}", "primary of no project"));
        out.add(new Hostile("GET", "/api/v1/storage/buckets?projectId=a%00b", null, null, "application/json", "bucket filter NUL"));

        // methods that do not exist, and no key at all
        for (String[] m : List.of(new String[] {"PUT", dbs + "/" + db}, new String[] {"DELETE", dbs},
                new String[] {"PUT", "/api/v1/projects/" + project}, new String[] {"POST", "/api/v1/projects/" + project},
                new String[] {"DELETE", "/api/v1/engines"}, new String[] {"POST", "/api/v1/workspaces"},
                // resolved by the container to /api/etc/passwd, outside the API: was the default servlet's 501 (ApiFuzzIT)
                new String[] {"PATCH", "/api/v1/projects/..%2F..%2Fetc%2Fpasswd"}, new String[] {"PUT", "/api/v1/..%2Fnothing"})) {
            out.add(new Hostile(m[0], m[1], "{}".getBytes(StandardCharsets.UTF_8), "application/json", "application/json", "method " + m[0]));
        }
        return out;
    }

    private static String manyKeys() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < 50_000; i++) {
            b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        return b.append("}").toString();
    }

    private static Hostile json(String method, String path, String body, String why) {
        return new Hostile(method, path, body.getBytes(StandardCharsets.UTF_8), "application/json", "application/json", why);
    }

    private static String toJson(Map<String, String> fields) {
        StringBuilder b = new StringBuilder("{");
        fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return b.append('}').toString();
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private HttpResponse<String> send(Hostile h) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Api.BASE + h.path())).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + Api.KEY).header("Accept", h.accept());
        if (h.contentType() != null) {
            b.header("Content-Type", h.contentType());
        }
        b.method(h.method(), h.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(h.body()));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
