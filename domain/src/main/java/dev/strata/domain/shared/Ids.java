package dev.strata.domain.shared;

import com.github.f4b6a3.ulid.UlidCreator;
import java.util.regex.Pattern;

/** Ids are a type prefix plus a lowercase ULID: {@code db_01hx...}. Sortable by creation time. */
public final class Ids {

    private static final Pattern ULID = Pattern.compile("[0-9a-hjkmnp-tv-z]{26}");

    private Ids() {
    }

    public static String next(String prefix) {
        return prefix + "_" + UlidCreator.getMonotonicUlid().toLowerCase();
    }

    /** Whether {@code id} has the shape of an id of this prefix (not whether it exists). */
    public static boolean looksLike(String prefix, String id) {
        return id != null && id.startsWith(prefix + "_") && ULID.matcher(id.substring(prefix.length() + 1)).matches();
    }
}
