package dev.strata.provisioning.storage.embedded;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Optional;

/**
 * Turns an S3 key into the name of one file and back, one to one. s3proxy's filesystem store maps a key onto a
 * path ({@code a/b} is file {@code b} in directory {@code a}), so {@code a} and {@code a/b} cannot both exist,
 * {@code x//y}, {@code x/./y} and {@code x/y} are one file, and a key ending in {@code /} is a directory that
 * forgets its body. Here a key is percent-encoded into a single name instead: letters, digits and {@code _}
 * stay, {@code .} stays except in first place, every other byte of its UTF-8 form becomes {@code %XX}.
 * No name made this way starts with {@code .} (the store's own bookkeeping does) or contains {@code /}, {@code ~}
 * or {@code -}: the store writes an object to {@code <name>-<uuid>} before renaming it to {@code <name>}, so a
 * file left half-written by a crash is never taken for an object (and is removed at the next start).
 * <p>
 * File names are limited (255 bytes on ext4 and XFS) while keys may have 1024 bytes, three times that once
 * encoded: a longer name is cut into pieces of {@value #PIECE} characters, each but the last a directory whose
 * name ends in {@code ~}, each but the first starting with {@code ~} ({@code first~/~middle~/~last}). Such a name
 * never equals a short one or another long one's directory, and its pieces are never {@code .} or {@code ..}.
 */
final class KeyCodec {

    /** Longest piece of a long name (directories add one {@code ~} on each side). */
    static final int PIECE = 200;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** S3 orders keys by their UTF-8 bytes, which is the order of their code points. */
    static final Comparator<String> S3_ORDER = KeyCodec::compareCodePoints;

    private KeyCodec() {
    }

    /** The relative path (pieces joined by {@code /}) of the file that holds {@code key}. */
    static String encode(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an S3 key has at least one character");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '_' || (b == '.' && i > 0);
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        if (out.length() <= PIECE) {
            return out.toString();
        }
        StringBuilder path = new StringBuilder(out.length() + out.length() / PIECE * 3 + 4);
        for (int start = 0; start < out.length(); start += PIECE) {
            boolean first = start == 0;
            boolean last = start + PIECE >= out.length();
            if (!first) {
                path.append('~');
            }
            path.append(out, start, Math.min(out.length(), start + PIECE));
            if (!last) {
                path.append("~/");
            }
        }
        return path.toString();
    }

    /**
     * The key a stored name stands for, or empty when the name is not one {@link #encode} makes (the store's own
     * bookkeeping, a file put there by hand).
     */
    static Optional<String> decode(String name) {
        if (name == null || name.isEmpty() || name.charAt(0) == '.' || name.charAt(0) == '~') {
            return Optional.empty();
        }
        String joined = name;
        if (name.indexOf('/') >= 0 || name.indexOf('~') >= 0) {
            String[] pieces = name.split("/", -1);
            StringBuilder sb = new StringBuilder(name.length());
            for (int i = 0; i < pieces.length; i++) {
                String p = pieces[i];
                boolean first = i == 0;
                boolean last = i == pieces.length - 1;
                if (pieces.length < 2 || (!first && !p.startsWith("~")) || (!last && !p.endsWith("~"))) {
                    return Optional.empty();
                }
                String core = p.substring(first ? 0 : 1, last ? p.length() : p.length() - 1);
                if (core.isEmpty() || core.indexOf('~') >= 0 || (!last && core.length() != PIECE)) {
                    return Optional.empty();
                }
                sb.append(core);
            }
            joined = sb.toString();
            if (joined.length() <= PIECE) {
                return Optional.empty();
            }
        } else if (name.length() > PIECE) {
            return Optional.empty();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(joined.length());
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '%') {
                if (i + 2 >= joined.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(joined.charAt(i + 1), 16);
                int lo = Character.digit(joined.charAt(i + 2), 16);
                if (hi < 0 || lo < 0 || Character.isLowerCase(joined.charAt(i + 1)) || Character.isLowerCase(joined.charAt(i + 2))) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || (c == '.' && i > 0)) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        String key = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        // one to one: only the spelling encode() makes counts (no %41 for A, no malformed UTF-8)
        return encode(key).equals(name) ? Optional.of(key) : Optional.empty();
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
