package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Map;
import java.util.Optional;

/** Small helpers to write and read the JSON of Kubernetes objects (the client's own model: Gson). */
final class Json {

    private Json() {
    }

    /** An object from key, value pairs; null values are left out. Values: String, Number, Boolean, JsonElement, Map. */
    static JsonObject obj(Object... keysAndValues) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            JsonElement v = element(keysAndValues[i + 1]);
            if (!v.isJsonNull()) {
                o.add((String) keysAndValues[i], v);
            }
        }
        return o;
    }

    static JsonArray arr(Object... values) {
        JsonArray a = new JsonArray();
        for (Object v : values) {
            a.add(element(v));
        }
        return a;
    }

    static JsonElement element(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        } else if (v instanceof JsonElement e) {
            return e;
        } else if (v instanceof String s) {
            return new JsonPrimitive(s);
        } else if (v instanceof Number n) {
            return new JsonPrimitive(n);
        } else if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        } else if (v instanceof Map<?, ?> m) {
            JsonObject o = new JsonObject();
            m.forEach((k, x) -> o.add(String.valueOf(k), element(x)));
            return o;
        }
        throw new IllegalArgumentException("not JSON: " + v.getClass());
    }

    /** The element at a path of object keys, if every step exists. */
    static Optional<JsonElement> at(JsonObject root, String... path) {
        JsonElement e = root;
        for (String key : path) {
            if (e == null || !e.isJsonObject()) {
                return Optional.empty();
            }
            e = e.getAsJsonObject().get(key);
        }
        return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e);
    }

    static Optional<String> string(JsonObject root, String... path) {
        return at(root, path).filter(JsonElement::isJsonPrimitive).map(JsonElement::getAsString);
    }

    static Optional<Long> number(JsonObject root, String... path) {
        return at(root, path).filter(JsonElement::isJsonPrimitive).flatMap(e -> {
            try {
                return Optional.of(e.getAsLong());
            } catch (NumberFormatException x) {
                return Optional.empty();
            }
        });
    }

    /**
     * Condition {@code type} of {@code status.conditions}, if the operator wrote it. Mind that neither CloudNativePG
     * nor mariadb-operator put {@code observedGeneration} on their conditions: a condition alone never says which
     * spec it was written for (see the drivers' {@code notReadyReason}).
     */
    static Optional<JsonObject> condition(JsonObject resource, String type) {
        return at(resource, "status", "conditions").filter(JsonElement::isJsonArray).flatMap(e -> {
            for (JsonElement c : e.getAsJsonArray()) {
                if (c.isJsonObject() && type.equals(string(c.getAsJsonObject(), "type").orElse(null))) {
                    return Optional.of(c.getAsJsonObject());
                }
            }
            return Optional.empty();
        });
    }

    /** The reason of condition {@code type}, if it has one. */
    static Optional<String> conditionReason(JsonObject resource, String type) {
        return condition(resource, type).flatMap(c -> string(c, "reason"));
    }

    /** Whether {@code status.observedGeneration}, where the operator writes one, has caught up with the spec. */
    static boolean statusCurrent(JsonObject resource) {
        long generation = number(resource, "metadata", "generation").orElse(0L);
        return number(resource, "status", "observedGeneration").orElse(generation) >= generation;
    }

    /** Whether condition {@code type} in {@code status.conditions} has status "True". */
    static boolean conditionTrue(JsonObject resource, String type) {
        return at(resource, "status", "conditions").filter(JsonElement::isJsonArray).map(e -> {
            for (JsonElement c : e.getAsJsonArray()) {
                if (c.isJsonObject() && type.equals(string(c.getAsJsonObject(), "type").orElse(null))) {
                    return "True".equals(string(c.getAsJsonObject(), "status").orElse(null));
                }
            }
            return false;
        }).orElse(false);
    }

    /** The message of condition {@code type}, if it has one. */
    static Optional<String> conditionMessage(JsonObject resource, String type) {
        return at(resource, "status", "conditions").filter(JsonElement::isJsonArray).flatMap(e -> {
            for (JsonElement c : e.getAsJsonArray()) {
                if (c.isJsonObject() && type.equals(string(c.getAsJsonObject(), "type").orElse(null))) {
                    return string(c.getAsJsonObject(), "message");
                }
            }
            return Optional.empty();
        });
    }
}
