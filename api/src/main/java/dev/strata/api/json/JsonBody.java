package dev.strata.api.json;

import dev.strata.domain.shared.Shown;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.Text;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request body read as a JSON object. Type mistakes ({@code "storageGb": "ten"}) and unknown fields are
 * collected per field and reported together by {@link #requireValid()}; rules about values belong to the services.
 * JSON {@code null} counts as "not sent".
 */
public final class JsonBody {

    public static final int MAX_BYTES = 64 * 1024;

    private final JsonObject object;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonBody(JsonObject object) {
        this.object = object;
    }

    public static JsonBody parse(String raw, Set<String> allowedFields) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInputException("body", "the request body is empty; send a JSON object");
        }
        if (raw.length() > MAX_BYTES || raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidInputException("body", "the request body is larger than " + MAX_BYTES + " bytes");
        }
        JsonValue value;
        try (JsonParser parser = Json.createParser(new StringReader(raw))) {
            parser.next();
            value = parser.getValue();
            if (parser.hasNext()) {
                throw new InvalidInputException("body", "the request body has more after its JSON value");
            }
        } catch (JsonParsingException | java.util.NoSuchElementException e) {
            throw new InvalidInputException("body", "the request body is not valid JSON: " + Shown.text(e.getMessage()));
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidInputException("body", "the request body must be a JSON object");
        }
        JsonBody body = new JsonBody(value.asJsonObject());
        Set<String> unknown = new TreeSet<>(body.object.keySet());
        unknown.removeAll(allowedFields);
        for (String field : unknown) {
            body.errors.add(new FieldError(Shown.text(field), "unknown field " + Shown.quoted(field) + "; allowed: " + String.join(", ", new TreeSet<>(allowedFields))));
        }
        return body;
    }

    public String string(String field) {
        JsonValue v = object.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v instanceof JsonString s) {
            String text = s.getString();
            if (text.indexOf('\u0000') >= 0) {
                errors.add(new FieldError(field, field + " must not contain NUL characters"));
                return null;
            }
            if (!Text.wellFormedUtf16(text)) {
                errors.add(new FieldError(field, field + " must be valid Unicode (it has an unpaired surrogate)"));
                return null;
            }
            return text;
        }
        errors.add(new FieldError(field, field + " must be a string"));
        return null;
    }

    public Integer integer(String field) {
        JsonValue v = object.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.bigIntegerValueExact().intValueExact();
            } catch (ArithmeticException e) {
                errors.add(new FieldError(field, field + " is out of range (got " + Shown.text(n.toString()) + ")"));
                return null;
            }
        }
        errors.add(new FieldError(field, field + " must be an integer"));
        return null;
    }

    /** Throws the collected type errors, if any. */
    public void requireValid() {
        if (!errors.isEmpty()) {
            String message = errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid";
            throw new InvalidInputException(message, errors);
        }
    }

}
