package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract check's wiring, fed with recorded responses (no server): what the document describes passes, a wrong
 * type, an undocumented field, status or content type fails, and junk paths are held only to problem+json errors.
 */
class ContractValidatorTest {

    private static final String DB = "/api/v1/workspaces/ws_01m8227xzx9zrc50kdzepw44q2/databases/db_01hx5v6b9gq3k2r1m0n8p7t4zc";
    private static final String VALID_DATABASE = """
            {"id":"db_01hx5v6b9gq3k2r1m0n8p7t4zc","name":"Production DB","slug":"production-db","engine":"postgresql",
             "version":"16","status":"ready","cpu":"250m","memory":"512Mi","storageGb":10,"storageUsedBytes":8388608,
             "projectId":"proj_01hx5v6b9gq3k2r1m0n8p7t4za","createdAt":"2025-04-10T09:00:00Z","updatedAt":"2025-04-10T09:05:00Z"}""";
    private static final String NOT_FOUND = """
            {"type":"https://strata.dev/problems/not-found","title":"Not Found","status":404,"detail":"no such resource"}""";

    private final ContractValidator validator = ContractValidator.shared();

    @Test
    void aDocumentedResponsePasses() {
        assertThat(validator.problems("GET", DB, 200, "application/json", VALID_DATABASE)).isEmpty();
        assertThat(validator.problems("GET", DB + "?x=1", 200, "application/json", VALID_DATABASE)).isEmpty();
        assertThat(validator.problems("DELETE", DB, 204, "", "")).isEmpty();
        assertThat(validator.problems("GET", DB, 404, "application/problem+json", NOT_FOUND)).isEmpty();
        assertThat(validator.problems("GET", "/api/v1/workspaces/ws_1/ca.pem", 200, "application/x-pem-file",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")).isEmpty();
        assertThat(validator.problems("GET", "/api/v1/projects/proj_1/env?format=dotenv", 200, "text/plain;charset=UTF-8",
                "A=\"b\"\n")).isEmpty();
        validator.check("GET", DB, 200, "application/json", VALID_DATABASE);
    }

    @Test
    void aFieldOfTheWrongTypeFails() {
        String wrong = VALID_DATABASE.replace("\"storageGb\":10", "\"storageGb\":\"ten\"");
        assertThat(validator.problems("GET", DB, 200, "application/json", wrong)).isNotEmpty()
                .anySatisfy(p -> assertThat(p).contains("storageGb"));
        assertThatThrownBy(() -> validator.check("GET", DB, 200, "application/json", wrong))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET " + DB + " → 200")
                .hasMessageContaining("storageGb")
                .hasMessageContaining("\"ten\"");
    }

    @Test
    void aValueOutsideItsEnumOrAMissingRequiredFieldFails() {
        assertThat(validator.problems("GET", DB, 200, "application/json", VALID_DATABASE.replace("\"ready\"", "\"running\""))).isNotEmpty();
        assertThat(validator.problems("GET", DB, 200, "application/json", VALID_DATABASE.replace("\"slug\":\"production-db\",", ""))).isNotEmpty();
    }

    @Test
    void anUndocumentedFieldFails() {
        String extra = VALID_DATABASE.replace("\"storageGb\":10", "\"storageGb\":10,\"colour\":\"blue\"");
        assertThat(validator.problems("GET", DB, 200, "application/json", extra)).anySatisfy(p -> assertThat(p).contains("colour"));
    }

    @Test
    void anUndocumentedStatusFails() {
        assertThat(validator.problems("GET", "/api/v1/engines", 418, "application/problem+json",
                NOT_FOUND.replace("404", "418"))).isNotEmpty();
        assertThatThrownBy(() -> validator.check("DELETE", DB, 200, "application/json", VALID_DATABASE))
                .isInstanceOf(AssertionError.class).hasMessageContaining("DELETE " + DB + " → 200");
    }

    @Test
    void anErrorThatIsNotProblemJsonFails() {
        assertThat(validator.problems("GET", DB, 404, "text/html", "<html>Not Found</html>")).isNotEmpty();
        assertThat(validator.problems("GET", DB, 404, "application/problem+json", "{\"title\":\"Not Found\"}")).isNotEmpty();
    }

    @Test
    void junkPathsAreHeldOnlyToProblemJsonErrors() {
        // no such path or method in the document: any 4xx/5xx must still be a problem
        assertThat(validator.problems("GET", "/api/v1/no/such/thing", 404, "application/problem+json", NOT_FOUND)).isEmpty();
        assertThat(validator.problems("PUT", "/api/v1/engines", 405, "application/problem+json",
                NOT_FOUND.replace("404", "405").replace("Not Found", "Method Not Allowed"))).isEmpty();
        // a method is case-sensitive: "get" is not the documented GET, so its 405 is held to the Problem promise only
        assertThat(validator.problems("get", "/api/v1/engines", 405, "application/problem+json",
                NOT_FOUND.replace("404", "405").replace("Not Found", "Method Not Allowed"))).isEmpty();
        assertThat(validator.problems("GET", "/api/v1/engines", 405, "application/problem+json",
                NOT_FOUND.replace("404", "405").replace("Not Found", "Method Not Allowed"))).isNotEmpty();
        assertThat(validator.problems("GET", "/api/v1/no/such/thing", 404, "text/html", "<html/>"))
                .anySatisfy(p -> assertThat(p).contains("application/problem+json"));
        assertThat(validator.problems("GET", "/api/v1/no/such/thing", 404, "application/problem+json", "{\"status\":\"x\"}")).isNotEmpty();
        // outside the API (dashboard, health, the document itself) nothing is checked
        assertThat(validator.problems("GET", "/health", 503, "application/json", "{}")).isEmpty();
        assertThat(validator.problems("GET", "/openapi", 200, "application/yaml", "openapi: 3.0.3")).isEmpty();
    }

    @Test
    void nullWhereTheDocumentAllowsItPasses() {
        String project = """
                {"id":"proj_1","name":"Shop","status":"active","primaryDatabaseId":null,"autoSleepMinutes":0,
                 "createdAt":"2026-12-06T10:00:00Z","updatedAt":"2026-12-06T10:00:00Z"}""";
        assertThat(validator.problems("GET", "/api/v1/projects/proj_1", 200, "application/json", project)).isEmpty();
        assertThat(validator.problems("GET", "/api/v1/projects/proj_1", 200, "application/json", project.replace("\"primaryDatabaseId\":null,", "")))
                .as("primaryDatabaseId is always there").isNotEmpty();
        assertThat(validator.problems("GET", "/api/v1/projects/proj_1", 200, "application/json", project.replace("\"name\":\"Shop\"", "\"name\":null")))
                .as("name is never null").isNotEmpty();
    }

    /** Every response example of the document, sent back as the answer to its own operation, passes the check. */
    @Test
    void theDocumentsOwnExamplesPass() throws Exception {
        JsonNode doc = new YAMLMapper().readTree(ContractValidator.readDocument());
        ObjectMapper json = new ObjectMapper();
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            String concrete = "/api/v1" + path.getKey().replaceAll("\\{[^}]+}", "x_1");
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> responses = op.getValue().path("responses").fields(); responses.hasNext(); ) {
                    Map.Entry<String, JsonNode> response = responses.next();
                    JsonNode r = response.getValue();
                    if (r.has("$ref")) {
                        r = doc.at(r.get("$ref").asText().substring(1));
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> media = r.path("content").fields(); media.hasNext(); ) {
                        Map.Entry<String, JsonNode> m = media.next();
                        JsonNode example = m.getValue().get("example");
                        if (example == null) {
                            continue;
                        }
                        String body = example.isTextual() ? example.asText() : json.writeValueAsString(example);
                        String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                        int status = Integer.parseInt(response.getKey());
                        if (example.has("status")) {
                            body = body.replaceFirst("\"status\":\\d+", "\"status\":" + status);
                        }
                        assertThat(validator.problems(method, concrete, status, m.getKey(), body))
                                .as("example of %s %s %s %s", method, path.getKey(), status, m.getKey()).isEmpty();
                        checked.add(method + " " + path.getKey() + " " + status);
                    }
                }
            }
        }
        assertThat(checked).hasSizeGreaterThan(100);
    }
}
