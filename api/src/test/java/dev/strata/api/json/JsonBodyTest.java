package dev.strata.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonBodyTest {

    private static final Set<String> FIELDS = Set.of("name", "storageGb");

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "[1]", "\"x\"", "42", "null", "{\"name\":", "{\"a\":1} trailing", "{'name':'x'}"})
    void rejectsWhatIsNotOneJsonObject(String raw) {
        assertThatThrownBy(() -> JsonBody.parse(raw, FIELDS))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).errors()).extracting(FieldError::field).containsExactly("body"));
    }

    @Test
    void rejectsBodiesOverTheLimitCountingBytes() {
        String ascii = "{\"name\":\"" + "x".repeat(JsonBody.MAX_BYTES) + "\"}";
        String multiByte = "{\"name\":\"" + "ü".repeat(JsonBody.MAX_BYTES / 2) + "\"}";
        assertThatThrownBy(() -> JsonBody.parse(ascii, FIELDS)).hasMessageContaining("larger than");
        assertThatThrownBy(() -> JsonBody.parse(multiByte, FIELDS)).hasMessageContaining("larger than");
    }

    @Test
    void readsTypedFieldsAndTreatsNullAsAbsent() {
        JsonBody body = JsonBody.parse("{\"name\":\"Orders\",\"storageGb\":20}", FIELDS);
        assertThat(body.string("name")).isEqualTo("Orders");
        assertThat(body.integer("storageGb")).isEqualTo(20);
        body.requireValid();

        JsonBody nulls = JsonBody.parse("{\"name\":null,\"storageGb\":null}", FIELDS);
        assertThat(nulls.string("name")).isNull();
        assertThat(nulls.integer("storageGb")).isNull();
        nulls.requireValid();
    }

    @Test
    void collectsTypeErrorsAndUnknownFieldsTogether() {
        JsonBody body = JsonBody.parse("{\"name\":5,\"storageGb\":\"10\",\"color\":\"red\"}", FIELDS);
        body.string("name");
        body.integer("storageGb");
        assertThatThrownBy(body::requireValid)
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("3 fields are invalid")
                .satisfies(e -> assertThat(((InvalidInputException) e).errors())
                        .extracting(FieldError::field).containsExactlyInAnyOrder("color", "name", "storageGb"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.5", "99999999999999999999", "-99999999999999999999", "true", "[10]"})
    void integersMustBeWholeAndInRange(String value) {
        JsonBody body = JsonBody.parse("{\"storageGb\":" + value + "}", FIELDS);
        assertThat(body.integer("storageGb")).isNull();
        assertThatThrownBy(body::requireValid).hasMessageContaining("storageGb");
    }
}
