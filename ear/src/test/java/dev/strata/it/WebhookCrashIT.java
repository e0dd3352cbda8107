package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Webhook deliveries Strata owes when it is killed (SIGKILL of the whole server JVM) are neither lost nor sent twice
 * after a success: the outbox rows are in the metadata database, written in the events' own transactions. The
 * receiver is "down" (503) until the kill, so no delivery can have succeeded before it; after the restart each event
 * must arrive with a valid signature and be answered 200 exactly once.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WebhookCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    @Test
    void deliveriesOwedWhenTheControlPlaneIsKilledArriveOnceAfterItRestarts() throws Exception {
        String key = "strata_sk_webhookcrash" + System.nanoTime();
        String ws = Tenants.insertWorkspaceWithKey(key, false);
        Api api = new Api(key);
        AtomicBoolean up = new AtomicBoolean(false);
        AtomicInteger refused = new AtomicInteger();
        Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
        Map<String, String> secretHolder = new ConcurrentHashMap<>();
        List<String> badSignatures = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String eventId = exchange.getRequestHeaders().getFirst("Strata-Event-Id");
            if (!valid(exchange.getRequestHeaders().getFirst("Strata-Signature"), body, secretHolder.get("secret"))) {
                badSignatures.add(eventId);
            }
            int status;
            if (up.get()) {
                accepted.computeIfAbsent(eventId, k -> new AtomicInteger()).incrementAndGet();
                status = 200;
            } else {
                refused.incrementAndGet();
                status = 503;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String hooks = "/api/v1/workspaces/" + ws + "/webhooks";
            Api.Reply hook = api.post(hooks, "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                    + "/hook\",\"events\":[\"project.created\"]}");
            assertThat(hook.status()).as(hook.raw()).isEqualTo(201);
            secretHolder.put("secret", hook.text("secret"));
            String deliveries = hooks + "/" + hook.text("id") + "/deliveries?limit=100";

            List<String> projects = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Api.Reply p = api.post("/api/v1/projects", "{\"name\":\"webhook crash " + i + "\"}");
                assertThat(p.status()).as(p.raw()).isEqualTo(201);
                projects.add(p.text("id"));
            }
            // each delivery tried at least once and refused: owed, pending
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                JsonNode list = api.get(deliveries).json().path("data");
                assertThat(list).hasSize(3);
                list.forEach(d -> {
                    assertThat(d.path("status").asText()).isEqualTo("pending");
                    assertThat(d.path("attempts").asInt()).isGreaterThanOrEqualTo(1);
                    assertThat(d.path("lastStatusCode").asInt()).isEqualTo(503);
                });
            });
            assertThat(accepted).isEmpty();

            ControlPlane.kill();
            up.set(true);
            ControlPlane.start();

            List<String> eventIds = new ArrayList<>();
            JsonNode events = api.get("/api/v1/workspaces/" + ws + "/events?type=project.created&limit=100").json().path("data");
            events.forEach(e -> eventIds.add(e.path("id").asText()));
            assertThat(eventIds).hasSize(3);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                assertThat(accepted.keySet()).containsExactlyInAnyOrderElementsOf(eventIds);
                api.get(deliveries).json().path("data").forEach(d -> assertThat(d.path("status").asText()).isEqualTo("succeeded"));
            });
            // nothing more arrives for a delivery that succeeded (at least once, not again after a 2xx)
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> accepted.values().stream().allMatch(n -> n.get() == 1));
            assertThat(badSignatures).isEmpty();
            assertThat(refused.get()).isGreaterThanOrEqualTo(3);
        } finally {
            receiver.stop(0);
        }
    }

    private static boolean valid(String header, byte[] body, String secret) {
        if (header == null || secret == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        String t = header.substring(2, header.indexOf(','));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body)).equals(header.substring(header.indexOf("v1=") + 3));
        } catch (Exception e) {
            return false;
        }
    }
}
