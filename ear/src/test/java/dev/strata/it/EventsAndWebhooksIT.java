package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17's event log and webhooks against the deployed EAR: a Redis database's life (create, ready, sleep, wake,
 * delete) in a workspace of its own, read back from {@code GET …/events} and received by a webhook whose receiver
 * checks every signature and answers 500 to the first delivery (so it is retried). The IT environment allows
 * 127.0.0.1 (STRATA_WEBHOOK_ALLOWED_NETWORKS) and retries after 1 s (STRATA_WEBHOOK_RETRY_BASE_SECONDS).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsAndWebhooksIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    /** One request the receiver got: event id and type, the database it is about, whether its signature checked out, what it answered. */
    record Received(String eventId, String type, String databaseId, String deliveryId, boolean signatureValid, int answered) {
    }

    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String secret;
    private HttpServer receiver;
    private Api api;
    private String ws;
    private String hooks;
    private String webhookId;
    private String dbId;

    @BeforeAll
    void aWorkspaceWithAWebhookAndAReceiver() throws Exception {
        String key = "strata_sk_events" + System.nanoTime();
        ws = Tenants.insertWorkspaceWithKey(key, false);
        api = new Api(key);
        hooks = "/api/v1/workspaces/" + ws + "/webhooks";
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean valid = verify(exchange.getRequestHeaders().getFirst("Strata-Signature"), body);
            int status = requests.incrementAndGet() == 1 ? 500 : 200;
            JsonNode event = JSON.readTree(body);
            received.add(new Received(exchange.getRequestHeaders().getFirst("Strata-Event-Id"), exchange.getRequestHeaders().getFirst("Strata-Event-Type"),
                    event.path("databaseId").isNull() ? null : event.path("databaseId").asText(),
                    exchange.getRequestHeaders().getFirst("Strata-Delivery-Id"), valid
                            && event.path("id").asText().equals(exchange.getRequestHeaders().getFirst("Strata-Event-Id"))
                            && "Strata-Webhooks/1".equals(exchange.getRequestHeaders().getFirst("User-Agent")), status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();

        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        Api.Reply created = api.post(hooks, "{\"url\":\"" + url + "\",\"events\":[\"*\"],\"description\":\"events IT\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        webhookId = created.text("id");
        secret = created.text("secret");
        assertThat(webhookId).startsWith("whk_");
        assertThat(secret).matches("whsec_[A-Za-z0-9_-]{43}");
        assertThat(created.text("url")).isEqualTo(url);
        assertThat(created.json().path("events").toString()).isEqualTo("[\"*\"]");
        assertThat(created.text("description")).isEqualTo("events IT");
        assertThat(created.text("createdAt")).isNotEmpty();
    }

    @AfterAll
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private boolean verify(String header, byte[] body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            boolean fresh = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) < 300;
            return fresh && HexFormat.of().formatHex(mac.doFinal(body)).equals(v1);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aDatabasesLifeIsLoggedAndDeliveredInOrderWithValidSignatures() {
        TestDatabases dbs = new TestDatabases(api, ws);
        dbId = dbs.create("events-redis", "{\"name\":\"Events Redis\",\"slug\":\"events-redis\",\"engine\":\"redis\"}");
        dbs.awaitStatus(dbId, "ready", Duration.ofSeconds(90));
        assertThat(api.post(dbs.path(dbId) + "/sleep", "").status()).isEqualTo(202);
        dbs.awaitStatus(dbId, "sleeping", Duration.ofSeconds(60));
        assertThat(api.post(dbs.path(dbId) + "/wake", "").status()).isEqualTo(202);
        dbs.awaitStatus(dbId, "ready", Duration.ofSeconds(60));
        dbs.deleteAndAwaitGone(dbId);

        String events = "/api/v1/workspaces/" + ws + "/events";
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(types(api.get(events + "?databaseId=" + dbId + "&limit=100").json())).contains("database.deleted"));
        JsonNode all = api.get(events + "?databaseId=" + dbId + "&limit=100").json();
        List<String> newestFirst = types(all);
        List<String> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        assertThat(oldestFirst).containsSubsequence("database.created", "database.status_changed", "database.slept", "database.woke",
                "database.deleted");
        assertThat(oldestFirst.get(0)).isEqualTo("database.created");
        assertThat(oldestFirst.get(oldestFirst.size() - 1)).isEqualTo("database.deleted");
        JsonNode firstReady = StreamSupport.stream(all.path("data").spliterator(), false)
                .filter(e -> e.path("type").asText().equals("database.status_changed") && e.path("data").path("to").asText().equals("ready"))
                .reduce((newer, older) -> older).orElseThrow();
        assertThat(firstReady.path("data").path("from").asText()).isEqualTo("provisioning");
        JsonNode created = all.path("data").get(all.path("data").size() - 1);
        assertThat(created.path("id").asText()).startsWith("evt_");
        assertThat(created.path("workspaceId").asText()).isEqualTo(ws);
        assertThat(created.path("databaseId").asText()).isEqualTo(dbId);
        assertThat(created.has("projectId")).isTrue();
        assertThat(created.path("projectId").isNull()).isTrue();
        assertThat(created.path("backupId").isNull()).isTrue();
        assertThat(created.path("message").asText()).contains("Events Redis");
        assertThat(created.path("occurredAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(created.path("data").path("engine").asText()).isEqualTo("redis");
        int total = all.path("meta").path("total").asInt();
        assertThat(total).isEqualTo(newestFirst.size());

        // paging: newest first, the same events page by page
        JsonNode page1 = api.get(events + "?databaseId=" + dbId + "&limit=2").json();
        assertThat(page1.path("meta").toString()).isEqualTo("{\"total\":" + total + ",\"page\":1,\"limit\":2,\"totalPages\":" + (total + 1) / 2 + "}");
        assertThat(types(page1)).containsExactlyElementsOf(newestFirst.subList(0, 2));
        JsonNode page2 = api.get(events + "?databaseId=" + dbId + "&limit=2&page=2").json();
        assertThat(types(page2)).containsExactlyElementsOf(newestFirst.subList(2, Math.min(4, total)));

        // type and since filters
        JsonNode slept = api.get(events + "?databaseId=" + dbId + "&type=database.slept").json();
        assertThat(types(slept)).containsExactly("database.slept");
        String wokeAt = StreamSupport.stream(all.path("data").spliterator(), false)
                .filter(e -> e.path("type").asText().equals("database.woke")).findFirst().orElseThrow().path("occurredAt").asText();
        JsonNode since = api.get(events + "?databaseId=" + dbId + "&since=" + wokeAt + "&limit=100").json();
        assertThat(types(since)).contains("database.woke", "database.deleted");
        // exactly the events at or after that instant (times are shown to the second, and a Redis database's whole
        // life can fit in one: events of the same second as the wake are in, earlier seconds are out)
        List<String> expected = new ArrayList<>();
        all.path("data").forEach(e -> {
            if (!Instant.parse(e.path("occurredAt").asText()).isBefore(Instant.parse(wokeAt))) {
                expected.add(e.path("id").asText());
            }
        });
        List<String> sinceIds = new ArrayList<>();
        since.path("data").forEach(e -> sinceIds.add(e.path("id").asText()));
        assertThat(sinceIds).containsExactlyElementsOf(expected);
        String oneSecondLater = Instant.parse(wokeAt).plusSeconds(1).toString();
        api.get(events + "?databaseId=" + dbId + "&since=" + oneSecondLater + "&limit=100").json().path("data")
                .forEach(e -> assertThat(Instant.parse(e.path("occurredAt").asText())).isAfterOrEqualTo(Instant.parse(oneSecondLater)));
        assertThat(api.get(events + "?since=2999-01-01T00:00:00Z").json().path("data")).isEmpty();
        assertThat(api.get(events + "?databaseId=db_unknown").json().path("meta").path("total").asInt()).isZero();

        // the receiver got this database's events in the log's order, the first one twice (500, then 200), all signed
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(delivered(dbId)).containsExactlyElementsOf(ids(all, true)));
        synchronized (received) {
            assertThat(received).allSatisfy(r -> assertThat(r.signatureValid()).as(r.toString()).isTrue());
            Received first = received.get(0);
            assertThat(first.answered()).isEqualTo(500);
            assertThat(first.type()).isEqualTo("database.created");
            assertThat(received.stream().filter(r -> r.eventId().equals(first.eventId()) && r.answered() == 200)).hasSize(1);
        }
        JsonNode deliveries = api.get(hooks + "/" + webhookId + "/deliveries?limit=100").json();
        JsonNode createdDelivery = StreamSupport.stream(deliveries.path("data").spliterator(), false)
                .filter(d -> d.path("eventId").asText().equals(created.path("id").asText())).findFirst().orElseThrow();
        assertThat(createdDelivery.path("id").asText()).startsWith("dlv_");
        assertThat(createdDelivery.path("webhookId").asText()).isEqualTo(webhookId);
        assertThat(createdDelivery.path("eventType").asText()).isEqualTo("database.created");
        assertThat(createdDelivery.path("status").asText()).isEqualTo("succeeded");
        assertThat(createdDelivery.path("attempts").asInt()).isEqualTo(2);
        assertThat(createdDelivery.path("lastStatusCode").asInt()).isEqualTo(200);
        assertThat(createdDelivery.path("lastError").isNull()).isTrue();
        assertThat(createdDelivery.path("nextAttemptAt").isNull()).isTrue();
        assertThat(deliveries.path("meta").path("total").asInt()).isGreaterThanOrEqualTo(total);
    }

    /** Event ids of {@code list}, oldest first when {@code oldestFirst}. */
    private static List<String> ids(JsonNode list, boolean oldestFirst) {
        List<String> out = new ArrayList<>(StreamSupport.stream(list.path("data").spliterator(), false).map(e -> e.path("id").asText()).toList());
        if (oldestFirst) {
            Collections.reverse(out);
        }
        return out;
    }

    private static List<String> types(JsonNode list) {
        return StreamSupport.stream(list.path("data").spliterator(), false).map(e -> e.path("type").asText()).toList();
    }

    /** The event ids of {@code databaseId} that the receiver accepted (200), in the order it got them. */
    private List<String> delivered(String databaseId) {
        synchronized (received) {
            return received.stream().filter(r -> databaseId.equals(r.databaseId()) && r.answered() == 200).map(Received::eventId).toList();
        }
    }

    @Test
    void badEventQueriesAre400AndAnotherWorkspaceIs404() {
        String events = "/api/v1/workspaces/" + ws + "/events";
        assertProblem(api.get(events + "?type=database.exploded"), 400, "type");
        assertProblem(api.get(events + "?since=yesterday"), 400, "since");
        assertProblem(api.get(events + "?page=0"), 400, "page");
        assertProblem(api.get(events + "?limit=101"), 400, "limit");
        Api.Reply both = api.get(events + "?limit=abc&type=nope");
        assertThat(both.status()).isEqualTo(400);
        assertThat(StreamSupport.stream(both.json().path("errors").spliterator(), false).map(e -> e.path("field").asText()))
                .containsExactlyInAnyOrder("limit", "type");
        // the bootstrap key's workspace is another one: this workspace's events and webhooks are not found
        Api other = Api.withBootstrapKey();
        assertThat(other.get(events).status()).isEqualTo(404);
        assertThat(other.get(hooks).status()).isEqualTo(404);
        assertThat(other.get(hooks + "/" + webhookId).status()).isEqualTo(404);
        assertThat(other.get(hooks + "/" + webhookId + "/deliveries").status()).isEqualTo(404);
        assertThat(other.delete(hooks + "/" + webhookId).status()).isEqualTo(404);
        assertThat(api.get(hooks + "/" + webhookId).status()).isEqualTo(200);
    }

    /** ?projectId= narrows to one project's events; in a workspace of its own (no webhook here gets these events). */
    @Test
    void theProjectIdFilterNarrowsToOneProjectsEvents() throws Exception {
        String key = "strata_sk_projevents" + System.nanoTime();
        String otherWs = Tenants.insertWorkspaceWithKey(key, false);
        Api own = new Api(key);
        Api.Reply a = own.post("/api/v1/projects", "{\"name\":\"Events A\"}");
        Api.Reply b = own.post("/api/v1/projects", "{\"name\":\"Events B\"}");
        assertThat(a.status()).as(a.raw()).isEqualTo(201);
        assertThat(b.status()).as(b.raw()).isEqualTo(201);
        String projectA = a.text("id");
        String projectB = b.text("id");
        Api.Reply slept = own.post("/api/v1/projects/" + projectA + "/sleep", "");
        assertThat(slept.status()).as(slept.raw()).isIn(200, 202);

        String events = "/api/v1/workspaces/" + otherWs + "/events";
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(types(own.get(events + "?projectId=" + projectA).json())).contains("project.slept"));
        JsonNode ofA = own.get(events + "?projectId=" + projectA + "&limit=100").json();
        assertThat(types(ofA)).containsExactly("project.slept", "project.created");
        assertThat(ofA.path("meta").path("total").asInt()).isEqualTo(2);
        ofA.path("data").forEach(e -> assertThat(e.path("projectId").asText()).isEqualTo(projectA));
        JsonNode ofB = own.get(events + "?projectId=" + projectB).json();
        assertThat(types(ofB)).containsExactly("project.created");
        assertThat(ofB.path("data").get(0).path("projectId").asText()).isEqualTo(projectB);
        assertThat(ofB.path("data").get(0).path("message").asText()).contains("Events B");
        // with the other filters
        assertThat(types(own.get(events + "?projectId=" + projectA + "&type=project.created").json())).containsExactly("project.created");
        assertThat(types(own.get(events + "?projectId=" + projectB + "&type=project.slept").json())).isEmpty();
        // unfiltered: both projects' events; an unknown project: none; another workspace's project: none here
        assertThat(own.get(events + "?limit=100").json().path("meta").path("total").asInt()).isEqualTo(3);
        assertThat(own.get(events + "?projectId=proj_00000000000000000000000000").json().path("meta").path("total").asInt()).isZero();
        assertThat(api.get("/api/v1/workspaces/" + ws + "/events?projectId=" + projectA).json().path("meta").path("total").asInt()).isZero();
    }

    @Test
    void webhookInputIsValidatedAndDangerousUrlsAreRefused() {
        assertProblem(api.post(hooks, "{\"url\":\"ftp://example.com/\",\"events\":[\"*\"]}"), 400, "url");
        assertProblem(api.post(hooks, "{\"url\":\"https://user:pw@example.com/\",\"events\":[\"*\"]}"), 400, "url");
        assertProblem(api.post(hooks, "{\"url\":\"https://example.com/\"}"), 400, "events");
        assertProblem(api.post(hooks, "{\"url\":\"https://example.com/\",\"events\":[]}"), 400, "events");
        assertProblem(api.post(hooks, "{\"url\":\"https://example.com/\",\"events\":[\"database.exploded\"]}"), 400, "events");
        assertProblem(api.post(hooks, "{\"url\":\"https://example.com/\",\"events\":\"*\"}"), 400, "events");
        assertProblem(api.post(hooks, "{\"url\":\"https://example.com/\",\"events\":[\"*\"],\"description\":\"" + "d".repeat(201) + "\"}"), 400, "description");
        assertProblem(api.post(hooks, "{\"url\":\"https://example.com/\",\"events\":[\"*\"],\"secret\":\"mine\"}"), 400, "secret");

        // Strata's own HTTP port on 127.0.0.1: refused although 127.0.0.1 is an allowed network here
        int ownPort = URI.create(Api.BASE).getPort();
        Api.Reply own = api.post(hooks, "{\"url\":\"http://127.0.0.1:" + ownPort + "/api/v1\",\"events\":[\"*\"]}");
        assertProblem(own, 422, "url");
        assertThat(own.json().path("detail").asText()).contains("port " + ownPort).contains("STRATA_WEBHOOK_ALLOW_CONTROL_PLANE");
        Api.Reply metadata = api.post(hooks, "{\"url\":\"http://169.254.169.254/latest/meta-data/\",\"events\":[\"*\"]}");
        assertProblem(metadata, 422, "url");
        assertThat(metadata.json().path("detail").asText()).contains("link-local").contains("STRATA_WEBHOOK_ALLOWED_NETWORKS");
        assertProblem(api.post(hooks, "{\"url\":\"http://10.0.0.1/\",\"events\":[\"*\"]}"), 422, "url");

        long before = api.get(hooks).json().path("meta").path("total").asLong();
        // no name resolves on the test host (no DNS): an address of the allowed network that is none of Strata's ports
        Api.Reply some = api.post(hooks, "{\"url\":\"http://127.0.0.1:9/strata\",\"events\":[\"backup.failed\",\"database.created\"]}");
        assertThat(some.status()).as(some.raw()).isEqualTo(201);
        assertThat(some.json().path("events").toString()).isEqualTo("[\"database.created\",\"backup.failed\"]");
        String id = some.text("id");
        JsonNode read = api.get(hooks + "/" + id).json();
        assertThat(read.has("secret")).isFalse();
        assertThat(read.path("description").isNull()).isTrue();
        JsonNode list = api.get(hooks + "?limit=100").json();
        assertThat(list.path("meta").path("total").asLong()).isEqualTo(before + 1);
        list.path("data").forEach(w -> assertThat(w.has("secret")).isFalse());
        assertProblem(api.get(hooks + "?limit=0"), 400, "limit");

        assertThat(api.delete(hooks + "/" + id).status()).isEqualTo(204);
        assertThat(api.get(hooks + "/" + id).status()).isEqualTo(404);
        assertThat(api.delete(hooks + "/" + id).status()).isEqualTo(404);
        assertThat(api.get(hooks + "/" + id + "/deliveries").status()).isEqualTo(404);
        assertThat(api.get(hooks + "/whk_nonsense").status()).isEqualTo(404);
    }

    private static void assertProblem(Api.Reply r, int status, String field) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(StreamSupport.stream(r.json().path("errors").spliterator(), false).map(e -> e.path("field").asText())).as(r.raw()).contains(field);
    }
}
