package dev.strata.edge;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An RFC 9457 problem in the shape Strata's API answers with ({@code type}, {@code title}, {@code status},
 * {@code detail}); this jar lives in the server, outside the EAR, so it cannot use the API's own builder.
 */
final class Problem {

    static final String MEDIA_TYPE = "application/problem+json";

    private Problem() {
    }

    static byte[] json(int status, String title, String detail) {
        String type = "https://strata.dev/problems/" + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return ("{\"type\":" + quote(type) + ",\"title\":" + quote(title) + ",\"status\":" + status + ",\"detail\":" + quote(detail) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The title for a status the server chose without saying why (its reason phrase may be anything). */
    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }

    /** A detail a client can act on, for a status the server chose without saying why. */
    static String detail(int status) {
        return switch (status) {
            case 400 -> "the server could not read the request: a malformed request line, request target or header, a missing Host"
                    + " header, conflicting Content-Length and Transfer-Encoding, or a body on GET, HEAD or DELETE";
            case 404 -> "no such resource";
            case 405 -> "this method is not allowed here";
            case 505 -> "the request's HTTP version is not one this server speaks: use HTTP/1.1 (or HTTP/1.0)";
            default -> title(status);
        };
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
