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
        assertThatThrownBy(() -> JsonBody.parse(utf8(raw), FIELDS))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).errors()).extracting(FieldError::field).containsExactly("body"));
    }

    @Test
    void rejectsBodiesOverTheLimitCountingBytes() {
        String ascii = "{\"name\":\"" + "x".repeat(JsonBody.MAX_BYTES) + "\"}";
        String multiByte = "{\"name\":\"" + "ü".repeat(JsonBody.MAX_BYTES / 2) + "\"}";
        assertThatThrownBy(() -> JsonBody.parse(utf8(ascii), FIELDS)).hasMessageContaining("larger than");
        assertThatThrownBy(() -> JsonBody.parse(utf8(multiByte), FIELDS)).hasMessageContaining("larger than");
    }

    @Test
    void readsTypedFieldsAndTreatsNullAsAbsent() {
        JsonBody body = JsonBody.parse(utf8("{\"name\":\"Orders\",\"storageGb\":20}"), FIELDS);
        assertThat(body.string("name")).isEqualTo("Orders");
        assertThat(body.integer("storageGb")).isEqualTo(20);
        body.requireValid();

        JsonBody nulls = JsonBody.parse(utf8("{\"name\":null,\"storageGb\":null}"), FIELDS);
        assertThat(nulls.string("name")).isNull();
        assertThat(nulls.integer("storageGb")).isNull();
        nulls.requireValid();
    }

    @Test
    void collectsTypeErrorsAndUnknownFieldsTogether() {
        JsonBody body = JsonBody.parse(utf8("{\"name\":5,\"storageGb\":\"10\",\"color\":\"red\"}"), FIELDS);
        body.string("name");
        body.integer("storageGb");
        assertThatThrownBy(body::requireValid)
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("3 fields are invalid")
                .satisfies(e -> assertThat(((InvalidInputException) e).errors())
                        .extracting(FieldError::field).containsExactlyInAnyOrder("color", "name", "storageGb"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.5", "99999999999999999999", "-99999999999999999999", "true", "[10]", "1e400", "1e999999999", "-1e999999999"})
    void integersMustBeWholeAndInRange(String value) {
        JsonBody body = JsonBody.parse(utf8("{\"storageGb\":" + value + "}"), FIELDS);
        assertThat(body.integer("storageGb")).isNull();
        assertThatThrownBy(body::requireValid).hasMessageContaining("storageGb");
    }

    @ParameterizedTest
    @ValueSource(strings = {"c328", "ff", "eda080", "c0af", "f888808080", "e282", "80"})
    void refusesBytesThatAreNotUtf8InsteadOfReplacingThem(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        byte[] body = concat(utf8("{\"name\":\"a"), bad, utf8("b\"}"));
        assertThatThrownBy(() -> JsonBody.parse(body, FIELDS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void refusesAKeyGivenTwiceInsteadOfKeepingTheLast() {
        assertThatThrownBy(() -> JsonBody.parse(utf8("{\"name\":\"a\",\"name\":\"b\"}"), FIELDS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'name' appears more than once");
        assertThatThrownBy(() -> JsonBody.parse(utf8("{\"name\":{\"x\":1,\"x\":2}}"), FIELDS))
                .hasMessageContaining("'x' appears more than once");
    }

    @ParameterizedTest
    @ValueSource(ints = {33, 999, 1000, 1001, 5000, 100_000})
    void refusesDeepNestingWhereverItIs(int depth) {
        String arrays = "[".repeat(depth) + "]".repeat(depth);
        String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        for (String raw : java.util.List.of("{\"name\":" + arrays + "}", "{\"name\":" + objects + "}", arrays)) {
            if (raw.length() <= JsonBody.MAX_BYTES) {
                assertThatThrownBy(() -> JsonBody.parse(utf8(raw), FIELDS))
                        .isInstanceOf(InvalidInputException.class)
                        .hasMessageContaining("nested deeper than " + JsonBody.MAX_DEPTH);
            }
        }
    }

    @Test
    void takesNestingUpToTheLimit() {
        String value = "[".repeat(JsonBody.MAX_DEPTH - 1) + "]".repeat(JsonBody.MAX_DEPTH - 1);
        JsonBody body = JsonBody.parse(utf8("{\"name\":" + value + "}"), FIELDS);
        assertThat(body.string("name")).isNull();
        assertThatThrownBy(body::requireValid).hasMessage("name must be a string");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
