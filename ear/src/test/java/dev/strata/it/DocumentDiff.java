package dev.strata.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Where two OpenAPI documents, read as JSON trees, differ in meaning: numbers by value ({@code 1} and {@code 1.0}
 * are one), object keys in any order, named list elements (tags, parameters) and scalar lists ({@code required},
 * {@code enum}) in any order, and empty objects or lists that only one side has (serialisers add {@code {}} for
 * absent maps) not counted, nor nulls and empty strings the served one leaves out (Payara's serialiser drops them,
 * also inside examples: checked by reading the document with Payara 6.2025.9's own OpenAPI model classes). Used by {@link GeneratedClientIT} to compare the served {@code /openapi} with the
 * checked-in file.
 */
final class DocumentDiff {

    private DocumentDiff() {
    }

    /** The differences under the given top-level keys, each as "path: expected served as actual". */
    static List<String> differences(JsonNode expected, JsonNode actual, List<String> keys) {
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            diff(key, expected.path(key), actual.path(key), out);
        }
        return out;
    }

    static void diff(String at, JsonNode expected, JsonNode actual, List<String> out) {
        if (blank(expected) && blank(actual)) {
            return;
        }
        if (expected.isNumber() && actual.isNumber()) {
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                out.add(at + ": " + expected + " served as " + actual);
            }
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                diff(at + "/" + e.getKey(), e.getValue(), actual.path(e.getKey()), out);
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!expected.has(name) && !blank(actual.get(name))) {
                    out.add(at + "/" + name + ": added by the server: " + shorten(actual.get(name)));
                }
            }
            return;
        }
        if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            // the order of named things (tags, parameters) and of scalar lists (required, enum) carries no meaning
            if (allNamed(expected) && allNamed(actual)) {
                Map<String, JsonNode> byName = new java.util.HashMap<>();
                actual.forEach(n -> byName.put(key(n), n));
                expected.forEach(n -> diff(at + "/" + key(n), n, byName.getOrDefault(key(n), com.fasterxml.jackson.databind.node.MissingNode.getInstance()), out));
                return;
            }
            if (allScalar(expected) && allScalar(actual)) {
                List<String> e = new ArrayList<>();
                List<String> a = new ArrayList<>();
                expected.forEach(n -> e.add(n.asText()));
                actual.forEach(n -> a.add(n.asText()));
                java.util.Collections.sort(e);
                java.util.Collections.sort(a);
                if (!e.equals(a)) {
                    out.add(at + ": " + shorten(expected) + " served as " + shorten(actual));
                }
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                diff(at + "/" + i, expected.get(i), actual.get(i), out);
            }
            return;
        }
        if (!expected.equals(actual)) {
            out.add(at + ": " + shorten(expected) + " served as " + shorten(actual));
        }
    }

    private static boolean allNamed(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject() || !n.path("name").isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allScalar(JsonNode array) {
        for (JsonNode n : array) {
            if (n.isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    /** A named element: its name, and for a parameter where it is ({@code in}). */
    private static String key(JsonNode n) {
        return n.path("name").asText() + (n.has("in") ? "@" + n.path("in").asText() : "");
    }

    private static boolean blank(JsonNode n) {
        // Payara's serialiser leaves out nulls and empty strings, also inside examples ("primaryDatabaseId": null)
        return n == null || n.isMissingNode() || n.isNull() || (n.isTextual() && n.asText().isEmpty())
                || ((n.isObject() || n.isArray()) && n.isEmpty());
    }

    private static String shorten(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
