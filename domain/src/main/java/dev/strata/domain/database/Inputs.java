package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;

/** Helpers shared by the value objects of this package for reading raw input and quoting it in messages. */
final class Inputs {

    /** Longest part of a received value repeated in a message, in code points; the rest becomes "…". */
    static final int MAX_SHOWN = 80;

    private Inputs() {
    }

    /**
     * The received value as shown in a message: quoted, cut to {@value #MAX_SHOWN} code points plus "…",
     * with control characters escaped so a hostile value cannot forge extra lines in logs.
     */
    static String quoted(String raw) {
        if (raw == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_SHOWN) + 8).append('\'');
        int shown = 0;
        for (int i = 0; i < raw.length(); ) {
            if (shown == MAX_SHOWN) {
                out.append('…');
                break;
            }
            int cp = raw.codePointAt(i);
            appendVisible(out, cp);
            shown++;
            i += Character.charCount(cp);
        }
        return out.append('\'').toString();
    }

    private static void appendVisible(StringBuilder out, int cp) {
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
    }

    /** {@code text} without surrounding whitespace; null or blank is "{field} is required". */
    static String required(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(field, field + " is required");
        }
        return text.strip();
    }

    /** Only ASCII digits: {@link Character#isDigit} would also accept other scripts' digits. */
    static boolean isAsciiDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    static String stripTrailingZeros(String digits) {
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }
}
