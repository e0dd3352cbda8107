package dev.strata.edge;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What is wrong with a request target (path and query as sent), or {@code null}. RFC 3986 allows only visible
 * ASCII, with every other byte percent-encoded as {@code %XX}; what the escapes decode to must be UTF-8 (RFC 3987)
 * and never NUL. Payara itself fails on some of these in ways no client can act on: {@code %zz} in a path made its
 * URI decoder throw past its own error handling, and the request was answered 200 with an empty body without
 * reaching any application (so without any API key check).
 */
final class RequestTarget {

    private RequestTarget() {
    }

    static String problem(String target) {
        if (target == null || target.isEmpty()) {
            return "the request target is empty";
        }
        if (target.charAt(0) != '/' && !target.equals("*")) {
            return "the request target must start with '/'";
        }
        ByteBuffer decoded = ByteBuffer.allocate(target.length());
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return "the request target has a character that must be percent-encoded (" + shown(c) + " at " + i + ")";
            }
            if (c == '%') {
                if (i + 2 >= target.length() || hex(target.charAt(i + 1)) < 0 || hex(target.charAt(i + 2)) < 0) {
                    return "the request target has a malformed percent escape at " + i + " (a '%' must be followed by two hex digits)";
                }
                int b = hex(target.charAt(i + 1)) * 16 + hex(target.charAt(i + 2));
                if (b == 0) {
                    return "the request target has an encoded NUL (%00) at " + i;
                }
                decoded.put((byte) b);
                i += 2;
            } else {
                decoded.put((byte) c);
            }
        }
        decoded.flip();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(decoded);
        } catch (CharacterCodingException e) {
            return "the request target's percent escapes decode to bytes that are not UTF-8";
        }
        String dots = dotSegment(target);
        return dots != null ? dots : apiPathParameter(target);
    }

    /**
     * A path parameter ({@code ;name=value}) in an API path: no API resource takes one, and the servlet container
     * strips a {@code ;jsessionid=…} with everything after it, so {@code /api/v1/workspaces/w/databases/;jsessionid=1/status}
     * reached the database list and was answered 200 with a list (found by ApiFuzzIT's contract check). A ';' that
     * belongs to a value is sent percent-encoded ({@code %3B}). The dashboard's pages keep the container's URL session
     * ids.
     */
    private static String apiPathParameter(String target) {
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        if ((path.equals("/api") || path.startsWith("/api/") || path.startsWith("/api;")) && path.indexOf(';') >= 0) {
            return "the request target has a path parameter (';' at " + path.indexOf(';') + "): the API takes none; "
                    + "percent-encode a ';' that belongs to a value (%3B)";
        }
        return null;
    }

    /**
     * A path segment {@code .} or {@code ..} (also as {@code %2e}, or with {@code ;parameters}): clients resolve dot
     * segments before they send a request (RFC 3986, 5.2.4), and Payara answered one at the end of an API path
     * ({@code /api/v1/projects/.}) 200 with an empty body without reaching any application, so without an API key
     * check (found by ApiFuzzIT).
     */
    private static String dotSegment(String target) {
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        for (String segment : path.split("/", -1)) {
            int params = segment.indexOf(';');
            String name = (params < 0 ? segment : segment.substring(0, params)).replace("%2e", ".").replace("%2E", ".");
            if (name.equals(".") || name.equals("..")) {
                return "the request target has a dot segment ('" + name + "'): resolve '.' and '..' before sending it (RFC 3986, 5.2.4)";
            }
        }
        return null;
    }

    private static int hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static String shown(char c) {
        return String.format("0x%02x", (int) c);
    }
}
