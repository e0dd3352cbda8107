package dev.strata.domain.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The type-specific fields of an {@link Event}: a flat object of strings and numbers, kept in insertion order and
 * stored as a JSON object text. Values are facts about the change (never a secret: callers put only ids, sizes,
 * statuses and messages that are shown to users anyway).
 */
public final class EventData {

    public static final EventData NONE = new EventData(Map.of());

    private final Map<String, Object> fields;

    private EventData(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, Object> fields() {
        return fields;
    }

    /** The JSON object text ({@code {"from":"provisioning","storageGb":20}}). */
    public String toJson() {
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(out, e.getKey());
            out.append(':');
            Object v = e.getValue();
            if (v == null) {
                out.append("null");
            } else if (v instanceof Number n) {
                out.append(n);
            } else {
                quote(out, v.toString());
            }
        }
        return out.append('}').toString();
    }

    /** Reads back what {@link #toJson()} wrote (a flat object of strings, numbers and nulls). */
    public static EventData fromJson(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Reader r = new Reader(json);
        r.expect('{');
        r.skipSpace();
        if (r.peek() == '}') {
            return NONE;
        }
        while (true) {
            r.skipSpace();
            String key = r.string();
            r.skipSpace();
            r.expect(':');
            r.skipSpace();
            out.put(key, r.value());
            r.skipSpace();
            char c = r.next();
            if (c == '}') {
                return new EventData(out);
            }
            if (c != ',') {
                throw new IllegalArgumentException("not a flat JSON object: " + json);
            }
        }
    }

    /** {@code s} as a JSON string literal (quoted and escaped). */
    public static String jsonString(String s) {
        StringBuilder out = new StringBuilder();
        quote(out, s);
        return out.toString();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventData d && d.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Fields in the order they are added; a null value is left out. */
    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        public Builder put(String key, String value) {
            if (value != null) {
                fields.put(key, value);
            }
            return this;
        }

        public Builder put(String key, Number value) {
            if (value != null) {
                fields.put(key, value);
            }
            return this;
        }

        public EventData build() {
            return fields.isEmpty() ? NONE : new EventData(new LinkedHashMap<>(fields));
        }
    }

    private static final class Reader {
        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        char peek() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end of " + s);
            }
            return s.charAt(i);
        }

        char next() {
            char c = peek();
            i++;
            return c;
        }

        void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (i - 1) + " in " + s);
            }
        }

        void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = next();
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
        }

        Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            int start = i;
            while (i < s.length() && ",} \n\r\t".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String token = s.substring(start, i);
            if (token.equals("null")) {
                return null;
            }
            if (token.contains(".") || token.contains("e") || token.contains("E")) {
                return Double.parseDouble(token);
            }
            return Long.parseLong(token);
        }
    }
}
