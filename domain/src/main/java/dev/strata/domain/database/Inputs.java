package dev.strata.domain.database;

import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.Shown;

/** Helpers shared by the value objects of this package for reading raw input and quoting it in messages. */
final class Inputs {

    /** Longest part of a received value repeated in a message, in code points; the rest becomes "…". */
    static final int MAX_SHOWN = Shown.MAX;

    private Inputs() {
    }

    /** The received value as shown in a message (see {@link Shown}). */
    static String quoted(String raw) {
        return Shown.quoted(raw);
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
