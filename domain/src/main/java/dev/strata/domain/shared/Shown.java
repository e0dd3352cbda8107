package dev.strata.domain.shared;

/**
 * A value a user sent, as repeated in a message: cut to {@value #MAX} code points plus "…", with control characters
 * escaped so that a hostile value can neither blow up a message nor forge extra lines in a log.
 */
public final class Shown {

    public static final int MAX = 80;

    private Shown() {
    }

    /** {@code 'value'}, or {@code null}. */
    public static String quoted(String raw) {
        return raw == null ? "null" : "'" + text(raw) + "'";
    }

    /** The value without quotes, or {@code null}. */
    public static String text(String raw) {
        if (raw == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX) + 4);
        int shown = 0;
        for (int i = 0; i < raw.length(); ) {
            if (shown == MAX) {
                out.append('…');
                break;
            }
            int cp = raw.codePointAt(i);
            switch (cp) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029) {
                        out.append(String.format("\\u%04x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
            shown++;
            i += Character.charCount(cp);
        }
        return out.toString();
    }
}
