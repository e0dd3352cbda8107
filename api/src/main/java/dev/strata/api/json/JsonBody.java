package dev.strata.api.json;

import dev.strata.domain.shared.Shown;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.Text;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
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
    /** Objects and arrays inside each other; Strata's bodies are flat objects, so this is generous. */
    public static final int MAX_DEPTH = 32;

    private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

    private final JsonObject object;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonBody(JsonObject object) {
        this.object = object;
    }

    /**
     * Reads {@code raw} as one JSON object in UTF-8 (RFC 8259). Refused with a 400 each: an empty body, one over
     * {@link #MAX_BYTES}, bytes that are not UTF-8 (instead of silently replacing them), anything that is not exactly
     * one JSON value, a key given twice in one object (instead of silently keeping one of the values), and nesting
     * deeper than {@link #MAX_DEPTH} (no field takes more; the parser's own limit is a failure, not an answer).
     */
    public static JsonBody parse(byte[] raw, Set<String> allowedFields) {
        if (raw == null || raw.length == 0) {
            throw new InvalidInputException("body", "the request body is empty; send a JSON object");
        }
        if (raw.length > MAX_BYTES) {
            throw new InvalidInputException("body", "the request body is larger than " + MAX_BYTES + " bytes");
        }
        String text = utf8(raw);
        if (text.isBlank()) {
            throw new InvalidInputException("body", "the request body is empty; send a JSON object");
        }
        JsonValue value;
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            value = read(parser, parser.next(), 1);
            if (parser.hasNext()) {
                throw new InvalidInputException("body", "the request body has more after its JSON value");
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            // JsonParsingException and NoSuchElementException, but also what the parser throws for input it cannot
            // take at all (its own nesting limit is a bare RuntimeException): every one is the input's fault
            throw new InvalidInputException("body", "the request body is not valid JSON: " + Shown.text(String.valueOf(e.getMessage())));
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

    private static String utf8(byte[] raw) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        try {
            return strict.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("body", "the request body is not valid UTF-8 (at byte " + in.position() + ")");
        }
    }

    /** The value that starts with {@code event}, built with the checks the parser's own builder does not make. */
    private static JsonValue read(JsonParser parser, JsonParser.Event event, int depth) {
        switch (event) {
            case START_OBJECT -> {
                requireDepth(depth);
                JsonObjectBuilder object = Json.createObjectBuilder();
                Set<String> keys = new HashSet<>();
                for (JsonParser.Event e = parser.next(); e != JsonParser.Event.END_OBJECT; e = parser.next()) {
                    String key = parser.getString();
                    if (!keys.add(key)) {
                        throw new InvalidInputException(Shown.text(key), "the key " + Shown.quoted(key)
                                + " appears more than once in one object; give it once");
                    }
                    object.add(key, read(parser, parser.next(), depth + 1));
                }
                return object.build();
            }
            case START_ARRAY -> {
                requireDepth(depth);
                JsonArrayBuilder array = Json.createArrayBuilder();
                for (JsonParser.Event e = parser.next(); e != JsonParser.Event.END_ARRAY; e = parser.next()) {
                    array.add(read(parser, e, depth + 1));
                }
                return array.build();
            }
            case VALUE_STRING -> {
                return Json.createValue(parser.getString());
            }
            case VALUE_NUMBER -> {
                return Json.createValue(parser.getBigDecimal());
            }
            case VALUE_TRUE -> {
                return JsonValue.TRUE;
            }
            case VALUE_FALSE -> {
                return JsonValue.FALSE;
            }
            case VALUE_NULL -> {
                return JsonValue.NULL;
            }
            default -> throw new InvalidInputException("body", "the request body is not valid JSON: unexpected " + event);
        }
    }

    private static void requireDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidInputException("body", "the request body is nested deeper than " + MAX_DEPTH + " levels");
        }
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
        if (v instanceof JsonNumber n) {
            BigDecimal d = n.bigDecimalValue();
            // compared before any exact conversion: 1e999999999 must not be expanded to a billion digits
            if (d.compareTo(INT_MIN) < 0 || d.compareTo(INT_MAX) > 0) {
                errors.add(new FieldError(field, field + " is out of range (got " + Shown.text(n.toString()) + ")"));
                return null;
            }
            try {
                return d.intValueExact();
            } catch (ArithmeticException e) {
                errors.add(new FieldError(field, field + " must be an integer"));
                return null;
            }
        }
        errors.add(new FieldError(field, field + " must be an integer"));
        return null;
    }

    /** A whole number in [{@code min}, {@code max}], or null when absent or null. */
    public Long wholeNumber(String field, long min, long max) {
        JsonValue v = object.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v instanceof JsonNumber n) {
            BigDecimal d = n.bigDecimalValue();
            if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
                errors.add(new FieldError(field, field + " must be between " + min + " and " + max + " (got " + Shown.text(n.toString()) + ")"));
                return null;
            }
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                errors.add(new FieldError(field, field + " must be a whole number"));
                return null;
            }
        }
        errors.add(new FieldError(field, field + " must be a whole number"));
        return null;
    }

    /** Whether the body names {@code field} at all (a present null counts). */
    /** A list of strings, or null when absent or null; anything else is recorded as the field's error. */
    public List<String> stringList(String field) {
        JsonValue v = object.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v.getValueType() != JsonValue.ValueType.ARRAY) {
            errors.add(new FieldError(field, field + " must be a list of strings"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonValue item : v.asJsonArray()) {
            if (!(item instanceof JsonString s)) {
                errors.add(new FieldError(field, field + " must be a list of strings"));
                return null;
            }
            if (s.getString().indexOf('\u0000') >= 0) {
                errors.add(new FieldError(field, field + " must not contain NUL characters"));
                return null;
            }
            out.add(s.getString());
        }
        return out;
    }

    public boolean has(String field) {
        return object.containsKey(field);
    }

    /** Whether the body gives {@code field} a value other than null. */
    public boolean present(String field) {
        JsonValue v = object.get(field);
        return v != null && v.getValueType() != JsonValue.ValueType.NULL;
    }

    /** Records an error of {@code field} found by the caller (thrown by {@link #requireValid}). */
    public void reject(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    public Boolean bool(String field) {
        JsonValue v = object.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        if (v.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        errors.add(new FieldError(field, field + " must be true or false"));
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
