package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison GeneratedClientIT makes of the served /openapi and the checked-in document. */
class DocumentDiffTest {

    private static final List<String> KEYS = List.of("paths", "components", "tags", "security", "info");

    private final JsonNode checkedIn = read();

    private static JsonNode read() {
        try {
            return new YAMLMapper().readTree(ContractValidator.readDocument());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theDocumentAsJsonIsTheSame() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode viaJson = json.readTree(json.writeValueAsString(checkedIn));
        assertThat(DocumentDiff.differences(checkedIn, viaJson, KEYS)).isEmpty();
    }

    @Test
    void whatASerialiserMayChangeIsNoDifference() {
        ObjectNode served = checkedIn.deepCopy();
        // a number written as a decimal, an empty map added, tags and required fields in another order, servers replaced
        ((ObjectNode) served.at("/components/schemas/PageMeta/properties/page")).put("minimum", new java.math.BigDecimal("1.0"));
        ((ObjectNode) served.at("/paths/~1engines/get")).putObject("callbacks");
        ArrayNode tags = (ArrayNode) served.get("tags");
        tags.insert(0, tags.remove(tags.size() - 1));
        ArrayNode required = (ArrayNode) served.at("/components/schemas/Database/required");
        required.insert(0, required.remove(required.size() - 1));
        served.putArray("servers").addObject().put("url", "http://localhost:8080/api");
        // nulls and empty strings left out (as Payara writes examples)
        ((ObjectNode) served.at("/paths/~1projects/post/responses/201/content/application~1json/example")).remove("primaryDatabaseId");
        assertThat(DocumentDiff.differences(checkedIn, served, KEYS)).isEmpty();
    }

    @Test
    void aChangedOrAddedOrMissingThingIsADifference() {
        ObjectNode served = checkedIn.deepCopy();
        ((ArrayNode) served.at("/components/schemas/DatabaseStatus/enum")).add("running");
        ((ObjectNode) served.at("/paths/~1engines")).putObject("put").put("operationId", "list");
        ((ObjectNode) served.at("/paths/~1workspaces/get")).remove("operationId");
        ((ObjectNode) served.at("/components/schemas/NewDatabase/properties/storageGb")).put("maximum", 2048);
        assertThat(checkedIn.at("/paths/~1projects/post/responses/201/content/application~1json/example/primaryDatabaseId").isNull()).isTrue();
        assertThat(DocumentDiff.differences(checkedIn, served, KEYS)).hasSize(4)
                .anySatisfy(d -> assertThat(d).startsWith("components/schemas/DatabaseStatus/enum"))
                .anySatisfy(d -> assertThat(d).startsWith("paths//engines/put: added by the server"))
                .anySatisfy(d -> assertThat(d).startsWith("paths//workspaces/get/operationId"))
                .anySatisfy(d -> assertThat(d).contains("1024 served as 2048"));
    }
}
