package dev.strata.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonBodyListTest {

    private static JsonBody body(String json) {
        return JsonBody.parse(json.getBytes(StandardCharsets.UTF_8), Set.of("events"));
    }

    @Test
    void aListOfStringsIsRead() {
        assertThat(body("{\"events\":[\"a\",\"b\"]}").stringList("events")).containsExactly("a", "b");
        assertThat(body("{\"events\":[]}").stringList("events")).isEmpty();
        assertThat(body("{\"events\":null}").stringList("events")).isNull();
        assertThat(body("{}").stringList("events")).isNull();
    }

    @Test
    void anythingElseIsTheFieldsError() {
        for (String json : new String[] {"{\"events\":\"*\"}", "{\"events\":[1]}", "{\"events\":[[\"a\"]]}", "{\"events\":[\"a\\u0000\"]}"}) {
            JsonBody b = body(json);
            assertThat(b.stringList("events")).as(json).isNull();
            assertThatThrownBy(b::requireValid).as(json).isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).errors().get(0).field()).isEqualTo("events"));
        }
    }
}
