package dev.strata.domain.shared;

/**
 * A human-readable name (of a project, a database): 1-200 characters after trimming, no control characters, no
 * bidirectional overrides or isolates (which make a name display as something else), no broken UTF-16.
 */
public record DisplayName(String value) {

    public static final int MAX = 200;

    /**
     * A name made by Strata from others (a project's name and an engine): {@code base} shortened, never in the
     * middle of a character, so that {@code base + suffix} fits.
     */
    public static DisplayName derived(String base, String suffix) {
        String b = base.strip();
        int room = MAX - suffix.length();
        if (b.length() > room) {
            int cut = room;
            if (cut > 0 && Character.isHighSurrogate(b.charAt(cut - 1))) {
                cut--;
            }
            b = b.substring(0, cut).strip();
        }
        return new DisplayName(b + suffix);
    }

    public DisplayName {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("name", "name is required");
        }
        value = value.strip();
        if (value.length() > MAX) {
            throw new InvalidInputException("name", "name must be at most " + MAX + " characters (got " + value.length() + ")");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("name", "name must not contain control characters");
        }
        if (value.chars().anyMatch(c -> c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069)) {
            throw new InvalidInputException("name", "name must not contain bidirectional override or isolate characters");
        }
        if (!Text.wellFormedUtf16(value)) {
            throw new InvalidInputException("name", "name must be valid Unicode (it has an unpaired surrogate)");
        }
    }
}
