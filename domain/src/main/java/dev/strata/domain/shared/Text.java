package dev.strata.domain.shared;

/** Checks on text that arrives from outside, shared by the API's JSON reading and the value objects. */
public final class Text {

    private Text() {
    }

    /** Whether every surrogate is paired: such text cannot be stored or encoded as UTF-8 without loss. */
    public static boolean wellFormedUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
