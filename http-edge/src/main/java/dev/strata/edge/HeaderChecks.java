package dev.strata.edge;

import java.util.regex.Pattern;

/**
 * Headers the container acts on before any of Strata's code runs, checked first. An invalid {@code Host} made the
 * container map the request to nothing and answer 200 with an empty body, without looking for a key: an empty one,
 * or one that a folded line (obs-fold, which the codec joins to the line before) extended. A malformed quality
 * value in {@code Accept}, or an element that is no media range, made the dashboard fail with a 500, as did a multipart body without a boundary (the
 * login check parses the form before the dashboard runs). Both are 400s here (RFC 9112 section 3.2 asks exactly
 * that for Host). The API reads {@code Accept} itself and answers 406/400 for what it cannot serve.
 */
final class HeaderChecks {

    /** RFC 3986 host (IP literal, IPv4 or reg-name, percent escapes allowed) and an optional port. */
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.vV]+\\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(:[0-9]{0,5})?");

    /** A media range's type/subtype (RFC 9110 section 12.5.1; tokens). */
    private static final Pattern MEDIA_RANGE = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** A non-empty boundary parameter of a multipart type. */
    private static final Pattern BOUNDARY = Pattern.compile(";\\s*(?i:boundary)\\s*=\\s*(\"[^\"]+\"|[^\\s;\"]+)");

    /** A quality value (RFC 9110 section 12.4.2). */
    private static final Pattern QVALUE = Pattern.compile("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?");

    private HeaderChecks() {
    }

    /** Whether {@code path} is the API's (which reads its headers itself and answers in its own words). */
    static boolean api(String path) {
        return path != null && (path.equals("/api") || path.startsWith("/api/"));
    }

    /** What is wrong with these headers of a request for {@code path}, or null when nothing is. */
    static String problem(String host, String accept, String path) {
        return problem(host, accept, null, path);
    }

    /** As {@link #problem(String, String, String)}, with the request's {@code Content-Type}. */
    static String problem(String host, String accept, String contentType, String path) {
        if (host != null && !HOST.matcher(host).matches()) {
            return host.isBlank() ? "the Host header is empty; send the server's host name (and port)"
                    : "the Host header is not a host name with an optional port";
        }
        boolean api = api(path);
        if (accept != null && !api) {
            for (String range : accept.split(",")) {
                if (range.isBlank()) {
                    continue; // empty list elements are allowed (RFC 9110 section 5.6.1)
                }
                String[] parts = range.split(";", -1);
                if (!MEDIA_RANGE.matcher(parts[0].trim()).matches()) {
                    return "the Accept header is not a list of media ranges (type/subtype, e.g. text/html or */*)";
                }
                for (int i = 1; i < parts.length; i++) {
                    String param = parts[i].trim();
                    int eq = param.indexOf('=');
                    if (eq <= 0) {
                        return "the Accept header has a parameter without a name and value (name=value)";
                    }
                    if (param.substring(0, eq).trim().equalsIgnoreCase("q") && !QVALUE.matcher(param.substring(eq + 1).trim()).matches()) {
                        return "the Accept header has a malformed quality value (q is a number from 0 to 1, at most three decimals)";
                    }
                }
            }
        }
        if (contentType != null && !api && contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")
                && !BOUNDARY.matcher(contentType).find()) {
            return "a multipart Content-Type needs a boundary parameter (boundary=...)";
        }
        return null;
    }
}
