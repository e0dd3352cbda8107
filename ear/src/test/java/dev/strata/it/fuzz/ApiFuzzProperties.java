package dev.strata.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.it.Api;
import dev.strata.it.ContractValidator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property-based fuzzing of every endpoint, run by {@link ApiFuzzIT} once the EAR is deployed (the number of tries
 * comes from {@code it.fuzz.tries}). Each try is one request; its parts are generated independently: method
 * (the endpoint's own or any other, odd ones included), path (valid ids, ids of the wrong kind, percent garbage,
 * traversal), query string, API key (valid, none, unknown, wrong scheme), content type, {@code Accept} and body
 * (the endpoint's valid shape, mutated: type confusion, deep nesting, invalid UTF-8 bytes, duplicate keys, NUL,
 * lone surrogates, huge, not JSON at all). A request that would be a valid change of state (nothing mutated, a
 * valid key, a writing method) is never generated: every generated write is one that must be refused.
 *
 * <p>Properties: no answer is a 5xx; every error answer is {@code application/problem+json} whose {@code status}
 * is the answer's and which has a {@code title} (for the dashboard: every error answer has a body and a content
 * type); no API answer is a 2xx without a valid key; a body with invalid UTF-8 is a 400; after every refused write
 * everything the workspace holds, read through the API, is as before.
 */
class ApiFuzzProperties {

    /** Set by {@link ApiFuzzIT} before the properties run. */
    static volatile Fixtures fixtures;

    /** Answers by status over all tries (shrinking included), for the figures ApiFuzzIT prints. */
    static final Map<Integer, AtomicInteger> BY_STATUS = new ConcurrentSkipListMap<>();
    static final Map<String, AtomicInteger> RAW_BY_STATUS = new ConcurrentSkipListMap<>();
    static final AtomicInteger REQUESTS = new AtomicInteger();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The workspace the fuzzer aims at: ids that exist, and how to read its whole state. */
    record Fixtures(String ws, String project, String db, String bucket, String storageKey, Supplier<String> state,
                    java.util.concurrent.atomic.AtomicReference<String> baseline) {
    }

    enum Auth { VALID, NONE, UNKNOWN, WRONG_SCHEME, EMPTY_BEARER, HUGE }

    /** One generated request; the flags say which parts were made hostile. */
    record Req(String method, String path, String query, Auth auth, String contentType, String accept, byte[] body,
               boolean methodMutated, boolean pathMutated, boolean queryMutated, boolean typeMutated,
               boolean acceptMutated, String bodyMutation) {

        boolean mutated() {
            return methodMutated || pathMutated || queryMutated || typeMutated || acceptMutated
                    || bodyMutation != null && !bodyMutation.startsWith("ignored body");
        }

        boolean api() {
            return path.startsWith("/api/");
        }

        boolean writes() {
            return !Set.of("GET", "HEAD", "OPTIONS").contains(method);
        }

        @Override
        public String toString() {
            String shown = body == null ? "-" : body.length > 200 ? new String(body, 0, 200, StandardCharsets.ISO_8859_1) + "…(" + body.length + " bytes)"
                    : new String(body, StandardCharsets.ISO_8859_1);
            String target = path + query;
            return method + " " + (target.length() > 200 ? target.substring(0, 200) + "…" : target) + " auth=" + auth
                    + " type=" + contentType + " accept=" + accept + " body[" + bodyMutation + "]=" + shown;
        }
    }

    // --- the properties --------------------------------------------------------------------------------------

    @Property(shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
    void everyRequestGetsAClearAnswer(@ForAll("requests") Req req) {
        Fixtures f = fixtures;
        RawHttp.Answer a = new RawHttp(Api.BASE).send(toBytes(req));
        REQUESTS.incrementAndGet();
        BY_STATUS.computeIfAbsent(a.status(), s -> new AtomicInteger()).incrementAndGet();

        assertThat(a.answered()).as("an answer to %s", req).isTrue();
        assertThat(a.status()).as("status of %s: %s", req, a.head()).isLessThan(500);
        if (req.api() && req.auth() != Auth.VALID) {
            assertThat(a.status() / 100).as("status class without a valid key: %s → %s", req, a.head()).isNotEqualTo(2);
        }
        checkContract(req.method(), req.path() + req.query(), a);
        if (a.status() >= 400) {
            if (req.api() || !a.header("content-type").startsWith("text/html")) {
                assertProblem(req, a);
            } else if (!req.method().equals("HEAD")) {
                // a HEAD answer has no body by definition (RFC 9110 9.3.2): only its status and headers count
                assertThat(a.body()).as("the dashboard's error page for %s", req).isNotEmpty();
            }
        }
        if (req.bodyMutation() != null && req.bodyMutation().startsWith("invalid UTF-8") && req.auth() == Auth.VALID
                && !req.methodMutated() && !req.pathMutated() && !req.typeMutated() && !req.acceptMutated() && !req.queryMutated()) {
            assertThat(a.status()).as("invalid UTF-8 in %s: %s", req, a.bodyText()).isEqualTo(400);
        }
        if (req.writes()) {
            // reading the whole state costs 7 requests: it is compared after each refused write with the state
            // after the last accepted one (a request can change it only by being accepted)
            String now = f.state().get();
            if (a.status() >= 400) {
                assertThat(now).as("state after the refused %s", req).isEqualTo(f.baseline().get());
            } else {
                f.baseline().set(settled(f, now));
            }
        }
    }

    @Property(shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
    void everyRawRequestGetsAClearAnswerOrNone(@ForAll("rawRequests") Tuple.Tuple2<String, byte[]> raw) {
        RawHttp.Answer a = new RawHttp(Api.BASE).send(raw.get2());
        REQUESTS.incrementAndGet();
        RAW_BY_STATUS.computeIfAbsent(a.answered() ? String.valueOf(a.status()) : "closed without answer", s -> new AtomicInteger())
                .incrementAndGet();
        String shown = raw.get1() + ": " + printable(raw.get2());
        if (!a.answered()) {
            return; // closing a connection that never became a request is a clear answer too
        }
        assertThat(a.status()).as("status of %s: %s", shown, a.head()).isLessThan(500);
        String[] line = new String(raw.get2(), StandardCharsets.ISO_8859_1).split("\r\n", 2)[0].split(" ", -1);
        if (line.length == 3 && line[0].matches("[A-Z]+") && line[2].matches("HTTP/1\\.[01]")) {
            checkContract(line[0], line[1], a); // a request line the server reads as such
        }
        if (a.status() >= 400) {
            assertThat(a.header("content-type")).as("content type of %s: %s", shown, a.head()).startsWith("application/problem+json");
            if (!new String(raw.get2(), StandardCharsets.ISO_8859_1).startsWith("HEAD ")) {
                JsonNode p = readProblem(shown, a);
                assertThat(p.path("status").asInt()).as("problem status of %s", shown).isEqualTo(a.status());
                assertThat(p.path("title").asText()).as("problem title of %s", shown).isNotBlank();
            }
        }
        if (a.status() >= 200 && a.status() < 300 && raw.get1().contains("/api/")) {
            assertThat(raw.get1()).as("a 2xx for %s: %s", shown, a.head()).contains("valid key");
            String request = new String(raw.get2(), StandardCharsets.ISO_8859_1);
            if (!request.startsWith("GET ") && !request.startsWith("HEAD ") && !request.startsWith("OPTIONS ")) {
                // an accepted raw write (e.g. a well-formed POST of a project) is a change the other property's
                // state check must start from
                fixtures.baseline().set(settled(fixtures, fixtures.state().get()));
            }
        }
    }

    /**
     * The state to compare later requests with, after an accepted write: once no database is still being deleted
     * (an accepted DELETE finishes in the reconciler, after the answer, and would change the state by itself).
     */
    private static String settled(Fixtures f, String now) {
        Api api = Api.withBootstrapKey();
        String list = "/api/v1/workspaces/" + f.ws() + "/databases?limit=100";
        if (!api.get(list).raw().contains("\"deleting\"")) {
            return now;
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).pollInterval(java.time.Duration.ofMillis(250))
                .until(() -> !api.get(list).raw().contains("\"deleting\""));
        return f.state().get();
    }

    /**
     * The contract test every {@code Api} answer gets (ContractValidator): an answer under /api/v1 has a status its
     * operation documents, with the documented content type and body (a Problem for an error); an answer to a path or
     * method the document does not have is at least a Problem. HEAD answers have no body to check.
     */
    private static void checkContract(String method, String target, RawHttp.Answer a) {
        if (!a.answered() || method.equals("HEAD") || !(target.equals("/api/v1") || target.startsWith("/api/v1/") || target.startsWith("/api/v1?"))) {
            return;
        }
        ContractValidator.shared().check(method, target, a.status(), a.header("content-type"), a.bodyText());
    }

    private static void assertProblem(Req req, RawHttp.Answer a) {
        assertThat(a.header("content-type")).as("content type of %s: %s", req, a.head()).startsWith("application/problem+json");
        if (req.method().equals("HEAD")) {
            return;
        }
        JsonNode p = readProblem(req.toString(), a);
        assertThat(p.path("status").asInt()).as("problem status of %s", req).isEqualTo(a.status());
        assertThat(p.path("title").asText()).as("problem title of %s", req).isNotBlank();
    }

    private static JsonNode readProblem(String what, RawHttp.Answer a) {
        try {
            return JSON.readTree(a.body());
        } catch (Exception e) {
            throw new AssertionError("the problem answering " + what + " is not JSON: " + a.head() + "\n" + a.bodyText(), e);
        }
    }

    // --- generated API requests ------------------------------------------------------------------------------

    private record Endpoint(String template, Set<String> methods, String bodyShape) {
    }

    private static List<Endpoint> endpoints() {
        String dbBody = "{\"name\":\"fuzz db\",\"slug\":\"fuzz-db\",\"engine\":\"postgresql\",\"cpu\":\"250m\",\"memory\":\"512Mi\",\"storageGb\":10}";
        return List.of(
                new Endpoint("/api/v1/workspaces", Set.of("GET"), null),
                new Endpoint("/api/v1/engines", Set.of("GET"), null),
                new Endpoint("/api/v1/workspaces/{ws}/databases", Set.of("GET", "POST"), dbBody),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}", Set.of("GET", "PATCH", "DELETE"),
                        "{\"name\":\"fuzz\",\"cpu\":\"250m\",\"memory\":\"512Mi\",\"storageGb\":10}"),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/sleep", Set.of("POST"), null),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/wake", Set.of("POST"), null),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/status", Set.of("GET"), null),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/connection", Set.of("GET"), null),
                // backups: the policy, the lists and restore requests (taking backups is left to BackupsIT: each runs pgBackRest)
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/backup-policy", Set.of("GET", "PUT"),
                        "{\"enabled\":true,\"schedule\":\"0 3 * * *\",\"retentionDays\":7}"),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/backups", Set.of("GET"), null),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/restore", Set.of("POST"), "{\"backupId\":\"bkp_01aaaaaaaaaaaaaaaaaaaaaaaa\"}"),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/recovery-window", Set.of("GET"), null),
                // branches: the list, and reset (the fuzz database is no branch: refused); making branches takes backups (PointInTimeIT)
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/branches", Set.of("GET"), null),
                new Endpoint("/api/v1/workspaces/{ws}/databases/{db}/reset", Set.of("POST"), null),
                new Endpoint("/api/v1/workspaces/{ws}/backups", Set.of("GET"), null),
                new Endpoint("/api/v1/workspaces/{ws}/backups/bkp_01aaaaaaaaaaaaaaaaaaaaaaaa", Set.of("GET", "DELETE"), null),
                // the event log, webhooks (a valid URL of the IT's allowed network, for an event the fuzz never causes) and the CA
                new Endpoint("/api/v1/workspaces/{ws}/events", Set.of("GET"), null),
                new Endpoint("/api/v1/workspaces/{ws}/webhooks", Set.of("GET", "POST"),
                        "{\"url\":\"http://127.0.0.1:9/fuzz\",\"events\":[\"backup.failed\"],\"description\":\"fuzz\"}"),
                new Endpoint("/api/v1/workspaces/{ws}/webhooks/whk_01aaaaaaaaaaaaaaaaaaaaaaaa", Set.of("GET", "DELETE"), null),
                new Endpoint("/api/v1/workspaces/{ws}/webhooks/whk_01aaaaaaaaaaaaaaaaaaaaaaaa/deliveries", Set.of("GET"), null),
                new Endpoint("/api/v1/workspaces/{ws}/ca.pem", Set.of("GET"), null),
                new Endpoint("/api/v1/databases", Set.of("GET", "POST"), "{\"projectId\":\"{project}\",\"engine\":\"postgres\"}"),
                new Endpoint("/api/v1/projects", Set.of("GET", "POST"), "{\"name\":\"fuzz project\"}"),
                new Endpoint("/api/v1/projects/{project}", Set.of("GET", "PATCH", "DELETE"), "{\"primaryDatabaseId\":null}"),
                new Endpoint("/api/v1/projects/{project}/sleep", Set.of("POST"), null),
                new Endpoint("/api/v1/projects/{project}/wake", Set.of("POST"), null),
                new Endpoint("/api/v1/projects/{project}/env", Set.of("GET"), null),
                new Endpoint("/api/v1/projects/{project}/storage-keys", Set.of("GET", "POST"), null),
                new Endpoint("/api/v1/projects/{project}/storage-keys/{key}", Set.of("DELETE"), null),
                new Endpoint("/api/v1/projects/{project}/storage-quota", Set.of("GET", "PUT"), "{\"maxBytes\":1048576,\"maxObjects\":100}"),
                new Endpoint("/api/v1/storage/buckets", Set.of("GET", "POST"), "{\"projectId\":\"{project}\",\"name\":\"fuzz-bucket\"}"),
                new Endpoint("/api/v1/storage/buckets/{bucket}", Set.of("GET", "DELETE"), null),
                // the dashboard and what Payara serves next to it
                new Endpoint("/", Set.of("GET"), null),
                new Endpoint("/login.xhtml", Set.of("GET"), null),
                new Endpoint("/databases/index.xhtml", Set.of("GET"), null),
                new Endpoint("/health", Set.of("GET"), null),
                new Endpoint("/openapi", Set.of("GET"), null),
                new Endpoint("/metrics", Set.of("GET"), null));
    }

    private static final List<String> ALL_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
            "FOO", "get", "PROPFIND", "M-SEARCH", "X".repeat(200));

    private static final List<String> BAD_IDS = List.of("%zz", "%", "%g0", "%c3%28", "%ff%fe", "%00", "%ed%a0%80", "..%2F..%2Fetc%2Fpasswd",
            "%2e%2e", "x%2Fy", "%5C..%5C", "a;b=c", ";jsessionid=1", "%E2%80%AE", "%F0%9F%92%A3", "db_" + "0".repeat(26),
            "proj_01jzzzzzzzzzzzzzzzzzzzzzzz", "x".repeat(3000), "*", "null", "%C0%AF", "%25zz");

    @Provide
    Arbitrary<Req> requests() {
        Arbitrary<Endpoint> endpoint = Arbitraries.of(endpoints());
        return endpoint.flatMap(e -> {
            Arbitrary<String> method = Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.of(List.copyOf(e.methods()))),
                    Tuple.of(1, Arbitraries.of(ALL_METHODS)));
            Arbitrary<String> badId = Arbitraries.oneOf(Arbitraries.of(BAD_IDS), percentGarbage());
            Arbitrary<Boolean> mutatePath = Arbitraries.of(true, false, false);
            Arbitrary<String> query = Arbitraries.frequencyOf(
                    Tuple.of(6, Arbitraries.just("")),
                    Tuple.of(1, Arbitraries.of("?unknown=1", "?page=2", "?limit=5&engine=redis", "?format=dotenv", "?projectId=x")),
                    Tuple.of(2, Arbitraries.of("?page=1&page=2", "?x=%zz", "?x=%", "?search=%00", "?search=%c3%28", "?limit=-1",
                            "?limit=1e3", "?page=99999999999999999999", "?engine=%3Cscript%3E", "?x=%zz&y=%g", "?%zz=1")));
            Arbitrary<Auth> auth = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(Auth.VALID)),
                    Tuple.of(4, Arbitraries.of(Auth.values())));
            Arbitrary<String> type = Arbitraries.frequencyOf(
                    Tuple.of(5, Arbitraries.of("application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8")),
                    Tuple.of(3, Arbitraries.of("application/json; charset=nonsense", "application/json; charset=iso-8859-1",
                            "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded",
                            "multipart/form-data; boundary=x", "application/xml", "garbage", "application/json;;;", "*/*",
                            "application/json; charset=\"", "application/problem+json")),
                    Tuple.of(1, Arbitraries.just("")));
            Arbitrary<String> accept = Arbitraries.frequencyOf(
                    Tuple.of(5, Arbitraries.of("", "application/json", "*/*", "application/json, */*;q=0.5")),
                    Tuple.of(1, Arbitraries.of("application/xml", "text/html", "a", "application/json;q=abc", "*/*;q=x", "text/*")));
            Arbitrary<Tuple.Tuple2<String, byte[]>> body = e.bodyShape() == null
                    ? Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(Tuple.of(null, (byte[]) null))),
                    Tuple.of(1, Arbitraries.of(Tuple.of("ignored body", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                            Tuple.of("ignored body, invalid UTF-8", new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}))))
                    : Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Tuple.of(null, fill(e.bodyShape()).getBytes(StandardCharsets.UTF_8)))),
                    Tuple.of(6, mutatedBody(fill(e.bodyShape()))));
            return Combinators.combine(method, mutatePath, badId, query, auth, type, accept, body).as((m, mp, id, q, au, t, ac, b) -> {
                boolean pathMutated = mp && e.template().contains("{");
                String path = fillPath(e.template(), pathMutated ? id : null);
                boolean withBody = b.get2() != null;
                String ct = withBody || !t.isEmpty() ? t : "";
                boolean typeMutated = withBody && !(ct.startsWith("application/json") && (ct.endsWith("json") || ct.toLowerCase().endsWith("utf-8")));
                boolean acceptMutated = !Set.of("", "application/json", "*/*", "application/json, */*;q=0.5").contains(ac);
                boolean queryMutated = q.contains("%") || q.contains("page=1&page") || q.contains("-1") || q.contains("1e3")
                        || q.contains("9999");
                return new Req(m, path, q, au, ct, ac, b.get2(), !e.methods().contains(m), pathMutated, queryMutated, typeMutated,
                        acceptMutated, b.get1());
            });
        }).filter(r -> !(r.auth() == Auth.VALID && r.writes() && !r.mutated()))
                // a write of the API whose only flaw is the query string or Accept header could still be carried out
                .filter(r -> !(r.auth() == Auth.VALID && r.writes() && r.api() && !r.methodMutated() && !r.pathMutated()
                        && !r.typeMutated() && r.bodyMutation() == null && !r.queryMutated()));
    }

    private static String fill(String shape) {
        return shape.replace("{project}", fixtures.project());
    }

    private static String fillPath(String template, String badId) {
        Fixtures f = fixtures;
        String path = template.replace("{ws}", f.ws());
        for (String[] slot : new String[][] {{"{db}", f.db()}, {"{project}", f.project()}, {"{bucket}", f.bucket()}, {"{key}", f.storageKey()}}) {
            if (path.contains(slot[0])) {
                path = path.replace(slot[0], badId != null ? badId : slot[1]);
                badId = null; // one bad id per path is enough
            }
        }
        return path;
    }

    private static Arbitrary<String> percentGarbage() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefxyz0123456789-_.~").ofMinLength(1).ofMaxLength(8),
                Arbitraries.of("%", "%z", "%zz", "%0", "%00", "%ff", "%c3", "%28", "%2F", "%2e", "%25", "%e2%82", "%f4%90%80%80"));
        return piece.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("", l));
    }

    /** The valid body with one hostile change; the first element names it. */
    private static Arbitrary<Tuple.Tuple2<String, byte[]>> mutatedBody(String valid) {
        Map<String, String> fields = parseFlat(valid);
        List<String> names = List.copyOf(fields.keySet());
        Arbitrary<String> field = Arbitraries.of(names);
        Arbitrary<Tuple.Tuple2<String, byte[]>> typeConfusion = Combinators.combine(field,
                Arbitraries.of("123", "true", "false", "[]", "{}", "[\"x\"]", "{\"$ne\":null}", "-1", "1.5", "1e400", "99999999999999999999",
                        "\"\"", "\"   \"", "\"ten\"", "1e999999999")).as((f, v) -> named("type confusion " + f, with(fields, f, v)));
        Arbitrary<Tuple.Tuple2<String, byte[]>> deep = Combinators.combine(field, Arbitraries.of(2, 10, 100, 999, 1000, 1001, 5000, 20000),
                Arbitraries.of("[", "{\"a\":")).as((f, d, open) -> {
                    String close = open.equals("[") ? "]" : "}";
                    return named("nesting " + d + " " + f, with(fields, f, open.repeat(d) + "1" + close.repeat(d)));
                });
        Arbitrary<Tuple.Tuple2<String, byte[]>> badUtf8 = Combinators.combine(field,
                Arbitraries.of(new byte[] {(byte) 0xc3, 0x28}, new byte[] {(byte) 0xff}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                        new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                        new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0x80}))
                .as((f, bytes) -> Tuple.of("invalid UTF-8 in " + f, withRawString(fields, f, bytes)));
        Arbitrary<Tuple.Tuple2<String, byte[]>> duplicate = field.map(f -> {
            String json = toJson(fields).replaceFirst("\\{", "{\"" + f + "\":" + fields.get(f) + ",");
            return named("duplicate key " + f, json);
        });
        Arbitrary<Tuple.Tuple2<String, byte[]>> strings = Combinators.combine(field,
                Arbitraries.of("\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u202egnp.exe\"", "\"" + "x".repeat(70_000) + "\""))
                .as((f, v) -> named("string value " + (v.length() > 20 ? "huge" : v) + " in " + f, with(fields, f, v)));
        Arbitrary<Tuple.Tuple2<String, byte[]>> shapes = Arbitraries.of(
                named("unknown field", toJson(fields).replaceFirst("\\{", "{\"isAdmin\":true,")),
                named("truncated", toJson(fields).substring(0, toJson(fields).length() / 2)),
                named("array", "[" + toJson(fields) + "]"), named("null", "null"), named("empty", ""),
                named("trailing garbage", toJson(fields) + "}}"), named("single quotes", "{'name':'x'}"),
                named("comment", "{/*x*/}"), named("raw NUL in string", toJson(fields).replaceFirst(":\"", ":\"\u0000")),
                Tuple.of("raw bytes", new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}),
                named("huge", "{\"name\":\"" + "A".repeat(3 * 1024 * 1024) + "\"}"),
                named("BOM", "\uFEFF" + toJson(fields)));
        return Arbitraries.oneOf(typeConfusion, deep, badUtf8, duplicate, strings, shapes);
    }

    private static Tuple.Tuple2<String, byte[]> named(String name, String json) {
        return Tuple.of(name, json.getBytes(StandardCharsets.UTF_8));
    }

    /** A flat JSON object's fields with their JSON texts, in order. */
    private static Map<String, String> parseFlat(String json) {
        try {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            JSON.readTree(json).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().toString()));
            return out;
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static String with(Map<String, String> fields, String field, String value) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(fields);
        copy.put(field, value);
        return toJson(copy);
    }

    private static byte[] withRawString(Map<String, String> fields, String field, byte[] bytes) {
        String marker = "\u0001MARK\u0001";
        byte[] json = with(fields, field, "\"ok" + marker + "\"").getBytes(StandardCharsets.UTF_8);
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < json.length; i++) {
            if (i <= json.length - m.length && java.util.Arrays.equals(json, i, i + m.length, m, 0, m.length)) {
                out.writeBytes(bytes);
                i += m.length - 1;
            } else {
                out.write(json[i]);
            }
        }
        return out.toByteArray();
    }

    private static String toJson(Map<String, String> fields) {
        StringBuilder b = new StringBuilder("{");
        fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return b.append('}').toString();
    }

    private static byte[] toBytes(Req r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String host = new RawHttp(Api.BASE).authority();
        StringBuilder head = new StringBuilder(r.method()).append(' ').append(r.path()).append(r.query()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\nConnection: close\r\n");
        switch (r.auth()) {
            case VALID -> head.append("Authorization: Bearer ").append(Api.KEY).append("\r\n");
            case UNKNOWN -> head.append("Authorization: Bearer strata_sk_fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz\r\n");
            case WRONG_SCHEME -> head.append("Authorization: Basic YWRtaW46YWRtaW4=\r\n");
            case EMPTY_BEARER -> head.append("Authorization: Bearer \r\n");
            case HUGE -> head.append("Authorization: Bearer ").append("k".repeat(7000)).append("\r\n");
            case NONE -> { }
        }
        if (!r.contentType().isEmpty()) {
            head.append("Content-Type: ").append(r.contentType()).append("\r\n");
        }
        if (!r.accept().isEmpty()) {
            head.append("Accept: ").append(r.accept()).append("\r\n");
        }
        if (r.body() != null) {
            head.append("Content-Length: ").append(r.body().length).append("\r\n");
        }
        head.append("\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (r.body() != null) {
            out.writeBytes(r.body());
        }
        return out.toByteArray();
    }

    // --- generated raw requests ------------------------------------------------------------------------------

    @Provide
    Arbitrary<Tuple.Tuple2<String, byte[]>> rawRequests() {
        Arbitrary<String> method = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("GET", "HEAD", "DELETE", "POST", "PUT", "OPTIONS")),
                Tuple.of(2, Arbitraries.of("TRACE", "CONNECT", "PRI", "FOO", "get", "G\u0000T", "G E T", "", "X".repeat(300), "GÉT", "\u0000")));
        Arbitrary<String> target = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("/api/v1/projects", "/api/v1/workspaces", "/api/v1/engines", "/", "/login.xhtml",
                        "/api/v1/storage/buckets", "/health")),
                Tuple.of(4, Arbitraries.of("/api/v1/projects/%zz/wake", "/api/v1/projects/%zz", "/%zz", "/api/v1/%", "/api/v1/projects/\u0000",
                        "/api/v1/\u00c3\u0028", "/api/v1/projects/\u00ff", "/api/v1/%c3%28", "/api/v1/%00", "/api/v1/projects/a b",
                        "/api/v1/projects/a\tb", "*", "", "http://x/api/v1/projects", "//api/v1//projects", "/api/v1/../../etc/passwd",
                        "/api/v1/projects\\..\\x", "/api/v1/projects?x=%zz", "/?x=%zz", "/api/v1/projects/" + "a".repeat(9000),
                        "/api/v1/projects;jsessionid=%zz", "/api/v1/projects/%ed%a0%80", "/api/v1/projects/%C0%AF", "api/v1/projects",
                        "/api/v1/projects/.", "/api/v1/workspaces/%2e", "/api/v1/projects/./x", "/api/v1/projects/..;x")),
                Tuple.of(2, percentGarbage().map(g -> "/api/v1/projects/" + g)));
        Arbitrary<String> version = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("HTTP/1.1")),
                Tuple.of(2, Arbitraries.of("HTTP/1.0", "HTTP/2.5", "HTTP/1.1 extra", "http/1.1", "HTTP/1.10", "HTTP/9.9", "", "HTTP/1", "FOO/1.1")));
        Arbitrary<String> eol = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just("\r\n")), Tuple.of(1, Arbitraries.of("\n", "\r")));
        Arbitrary<Boolean> key = Arbitraries.of(true, false);
        Arbitrary<String> headers = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just("Host: H")),
                Tuple.of(3, Arbitraries.of("", "Host: H\nHost: other", "Host:", "Host: H\nX-Big: " + "a".repeat(20_000),
                        "Host: H\nX-Many: 1\n".repeat(1) + "X-H: v\n".repeat(200) + "X-Last: 1", "Host: H\nno colon here",
                        "Host: H\nX-Nul: a\u0000b", "Host: H\n folded: continuation", "Host: H\nX-Utf8: \u00c3\u0028",
                        "Host: H\n: empty name", "Host: H\nContent-Type: application/json; charset=nonsense",
                        "Host: H\nContent-Type: application/x-www-form-urlencoded", "Host: H\nExpect: 100-continue",
                        "Host: H\nExpect: nonsense", "Host: H\nAccept: application/xml")));
        Arbitrary<String> framing = Arbitraries.of("none", "body", "cl+te", "two cl", "negative cl", "garbage cl", "te chunked bad",
                "te chunked", "te gzip", "cl too long", "huge cl");
        return Combinators.combine(method, target, version, eol, key, headers, framing).as((m, t, v, nl, k, h, fr) -> {
            String body = "{\"name\":\"raw\"}";
            StringBuilder head = new StringBuilder(m).append(' ').append(t);
            if (!v.isEmpty()) {
                head.append(' ').append(v);
            }
            head.append(nl);
            for (String line : h.replace("Host: H", "Host: " + new RawHttp(Api.BASE).authority()).split("\n")) {
                if (!line.isEmpty()) {
                    head.append(line).append(nl);
                }
            }
            if (k) {
                head.append("Authorization: Bearer ").append(Api.KEY).append(nl);
            }
            head.append("Connection: close").append(nl);
            String tail = switch (fr) {
                case "body" -> "Content-Length: " + body.length() + nl + nl + body;
                case "cl+te" -> "Content-Length: 4" + nl + "Transfer-Encoding: chunked" + nl + nl + "0" + nl + nl;
                case "two cl" -> "Content-Length: 3" + nl + "Content-Length: 4" + nl + nl + "abcd";
                case "negative cl" -> "Content-Length: -1" + nl + nl;
                case "garbage cl" -> "Content-Length: abc" + nl + nl;
                case "te chunked bad" -> "Transfer-Encoding: chunked" + nl + nl + "zz" + nl + "abc" + nl;
                case "te chunked" -> "Transfer-Encoding: chunked" + nl + nl + Integer.toHexString(body.length()) + nl + body + nl + "0" + nl + nl;
                case "te gzip" -> "Transfer-Encoding: gzip" + nl + nl + "abc";
                case "cl too long" -> "Content-Length: 100" + nl + nl + body;
                case "huge cl" -> "Content-Length: 99999999999999999999" + nl + nl;
                default -> nl;
            };
            String text = head + tail;
            String what = (k ? "valid key " : "no key ") + fr + " " + t;
            return Tuple.of(what, text.getBytes(StandardCharsets.ISO_8859_1));
        });
    }

    private static String printable(byte[] raw) {
        StringBuilder b = new StringBuilder();
        for (byte x : raw) {
            int c = x & 0xff;
            if (b.length() > 400) {
                return b.append("…(").append(raw.length).append(" bytes)").toString();
            }
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : c == '\r' ? "\\r" : c == '\n' ? "\\n" : String.format("\\x%02x", c));
        }
        return b.toString();
    }

    static Map<String, Integer> figures(Map<?, AtomicInteger> counts) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        counts.forEach((k, v) -> out.put(String.valueOf(k), v.get()));
        return out;
    }
}
