package dev.strata.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small HTTP client for the Strata API, as a script or CI job would use it. Every response it receives is checked
 * against the API's OpenAPI document (the contract test, {@link ContractValidator}).
 */
public final class Api {

    public static final String BASE = System.getProperty("it.base.url", "http://127.0.0.1:28080");
    public static final String KEY = System.getProperty("it.api.key");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every response is checked against the API's OpenAPI document ({@link ContractValidator}); -Dit.contract.check=false: not. */
    private static final boolean CONTRACT_CHECK = !"false".equals(System.getProperty("it.contract.check"));
    /**
     * HTTP/1.1, as curl and scripts speak to a plain-http API. (The JDK client's default is an h2c upgrade; under 100
     * concurrent clients Payara's HTTP/2 sent GOAWAY and the JDK client failed the in-flight requests.)
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String key;
    private final boolean contractCheck;

    public Api(String key) {
        this(BASE, key);
    }

    /** A client of another Strata server (e.g. the Kubernetes-mode one of KubernetesModeIT). */
    public Api(String base, String key) {
        this(base, key, CONTRACT_CHECK);
    }

    private Api(String base, String key, boolean contractCheck) {
        this.base = base;
        this.key = key;
        this.contractCheck = contractCheck;
    }

    /**
     * This client without the contract check, for a load test's timed loop only: checking a page of 20 databases
     * costs the client about 7 ms of CPU, which on a small shared machine would measure the test, not the server.
     */
    public Api withoutContractCheck() {
        return new Api(base, key, false);
    }

    public static Api withBootstrapKey() {
        return new Api(KEY);
    }

    /** A response: status, content type and body (parsed when it is JSON). */
    public record Reply(int status, String contentType, String raw, JsonNode json) {

        public String text(String field) {
            return json.path(field).asText();
        }
    }

    public Reply get(String path) {
        return send("GET", path, null, null);
    }

    public Reply post(String path, String body) {
        return send("POST", path, body, "application/json");
    }

    public Reply put(String path, String body) {
        return send("PUT", path, body, "application/json");
    }

    public Reply patch(String path, String body) {
        return send("PATCH", path, body, "application/json");
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Reply send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (contractCheck) {
                // the contract test: a response the OpenAPI document does not describe fails the test that got it
                ContractValidator.shared().check(method, path, r.statusCode(), type, r.body());
            }
            JsonNode json = type.contains("json") && !r.body().isEmpty() ? JSON.readTree(r.body()) : JSON.missingNode();
            return new Reply(r.statusCode(), type, r.body(), json);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The one workspace the bootstrap key sees. */
    public String workspaceId() {
        Reply r = get("/api/v1/workspaces");
        if (r.status() != 200) {
            throw new IllegalStateException("GET /api/v1/workspaces answered " + r.status() + ": " + r.raw());
        }
        return r.json().path("data").get(0).path("id").asText();
    }
}
