package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(validator.problems("GET", "/api/v1/no/such/thing", 404, "text/html", "<html/>"))
                .anySatisfy(p -> assertThat(p).contains("application/problem+json"));
        assertThat(validator.problems("GET", "/api/v1/no/such/thing", 404, "application/problem+json", "{\"status\":\"x\"}")).isNotEmpty();
        // outside the API (dashboard, health, the document itself) nothing is checked
        assertThat(validator.problems("GET", "/health", 503, "application/json", "{}")).isEmpty();
        assertThat(validator.problems("GET", "/openapi", 200, "application/yaml", "openapi: 3.0.3")).isEmpty();
    }
}
