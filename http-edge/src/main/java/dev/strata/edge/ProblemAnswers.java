package dev.strata.edge;

import java.io.IOException;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.http.HttpEvents;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Sits right after the HTTP codec, before Payara's web container. On the way in, it refuses a method Strata does not
 * serve with a 405 and a request whose target is malformed ({@link RequestTarget}) with a 400, both problem+json, so
 * such a request never reaches the container (which mishandles some of them). On the way out, it makes every error
 * answer without a content type (the container's own: a TRACE refused, a path the container will not map, its
 * plain-text 400s) a problem+json, so no error leaves the server without one. It also tells {@link CodecErrorBodies} which written bytes came this way.
 */
public class ProblemAnswers extends BaseFilter {

    /** The methods any part of Strata (API, dashboard, health, OpenAPI) answers. */
    static final java.util.List<String> METHODS = java.util.List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** The methods served outside the API: the dashboard's pages and forms, static files, health, metrics. */
    static final java.util.List<String> OUTSIDE_API_METHODS = java.util.List.of("GET", "HEAD", "POST", "OPTIONS");

    /** IMF-fixdate (RFC 9110 section 5.6.7). */
    private static final java.time.format.DateTimeFormatter HTTP_DATE =
            java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);

    private static final Attribute<Boolean> CHECKED = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ProblemAnswers.class.getName() + ".checked");
    private static final Attribute<Boolean> REFUSED = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ProblemAnswers.class.getName() + ".refused");

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (!(message instanceof HttpContent content) || !(content.getHttpHeader() instanceof HttpRequestPacket request)) {
            return ctx.getInvokeAction();
        }
        if (Boolean.TRUE.equals(REFUSED.get(request))) {
            // the rest of the body of a request that was already answered: read and dropped; once it is all in,
            // the connection closes (closing earlier made a client still sending its body lose the answer to a reset)
            if (content.isLast()) {
                ctx.getConnection().closeSilently();
            }
            return ctx.getStopAction();
        }
        if (CHECKED.get(request) == null) {
            CHECKED.set(request, Boolean.TRUE);
            if (request.getProtocol() == org.glassfish.grizzly.http.Protocol.HTTP_0_9) {
                // a request line without a version: the codec answers such a request without Content-Type, Date
                // or Connection (HTTP/0.9 had no headers), so no answer from the container would be a clear one
                return refused(ctx, request, content.isLast(), 400, "Bad Request",
                        "the request line has no HTTP version (HTTP/0.9 is not served); send e.g. GET /api/v1/projects HTTP/1.1");
            }
            String method = request.getMethod().getMethodString();
            if (!METHODS.contains(method)) {
                // the servlet container answers an unknown method with 501 and an HTML page, TRACE with a bare 405;
                // Strata serves these methods only, so any other is a method not allowed here
                request.getResponse().setHeader("Allow", String.join(", ", METHODS));
                return refused(ctx, request, content.isLast(), 405, "Method Not Allowed", "this server answers " + String.join(", ", METHODS) + " only");
            }
            String path = request.getRequestURI();
            if (!OUTSIDE_API_METHODS.contains(method) && path != null && !HeaderChecks.api(path)) {
                // outside the API (dashboard, its static files, health, metrics, OpenAPI) PUT, PATCH and DELETE
                // mean nothing; the container's servlets answered PATCH with a 501 HTML page
                request.getResponse().setHeader("Allow", String.join(", ", OUTSIDE_API_METHODS));
                return refused(ctx, request, content.isLast(), 405, "Method Not Allowed",
                        "outside /api this server answers " + String.join(", ", OUTSIDE_API_METHODS) + " only");
            }
            String query = request.getQueryString();
            String target = request.getRequestURIRef().getOriginalRequestURIBC().toString()
                    + (query == null || query.isEmpty() ? "" : "?" + query);
            String problem = RequestTarget.problem(target);
            if (problem != null) {
                return refused(ctx, request, content.isLast(), 400, "Bad Request", problem);
            }
            String header = HeaderChecks.problem(request.getHeader("Host"), request.getHeader("Accept"),
                    request.getContentType(), request.getRequestURI());
            if (header != null) {
                return refused(ctx, request, content.isLast(), 400, "Bad Request", header);
            }
            String charset = foreignCharset(request.getContentType(), request.getRequestURI());
            if (charset != null) {
                return refused(ctx, request, content.isLast(), 415, "Unsupported Media Type",
                        "this server reads UTF-8 only; the request declares charset " + charset);
            }
        }
        return ctx.getInvokeAction();
    }

    /**
     * This listener speaks no HTTP/2 (port unification turns it off), so nothing takes up an {@code Upgrade: h2c}
     * request; left alone, the codec would ignore its Content-Length and the request would wait forever for a body
     * the container never gets, and the connection would be closed after the answer. It is read as the HTTP/1.1
     * request it also is, on a connection that stays an HTTP/1.1 one. (Other upgrades, e.g. WebSocket, are left to whoever handles them.)
     */
    @Override
    public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event) throws IOException {
        if (event.type() == HttpEvents.IncomingHttpUpgradeEvent.TYPE) {
            HttpHeader header = ((HttpEvents.IncomingHttpUpgradeEvent) event).getHttpHeader();
            if (header.isRequest() && "h2c".equalsIgnoreCase(header.getUpgrade())) {
                header.setIgnoreContentModifiers(false);
                // and no upgrade is pending any more: Grizzly closes an upgraded connection after the response
                // (without saying so), which made a client's next request on it get no answer, as HTTP/2's own
                // filter does when it takes the upgrade
                header.getUpgradeDC().recycle();
                return ctx.getStopAction();
            }
        }
        return ctx.getInvokeAction();
    }

    /**
     * The charset a request to the dashboard (any path outside the API) declares when it is not UTF-8 (or its
     * subset US-ASCII), else null. The container decodes the query and form parameters in the declared charset
     * before any of Strata's code runs (the login check reads them), and failed with a 500 on UTF-16 or on a
     * charset that does not exist. The API answers its own 415 for this, after the key check.
     */
    static String foreignCharset(String contentType, String path) {
        if (contentType == null || path == null || HeaderChecks.api(path)) {
            return null;
        }
        for (String param : contentType.split(";")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String value = param.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                String name = value.toLowerCase(java.util.Locale.ROOT);
                if (!name.equals("utf-8") && !name.equals("utf8") && !name.equals("us-ascii")) {
                    return shown(value);
                }
            }
        }
        return null;
    }

    /** At most 40 printable ASCII characters of a value the client sent, for a message. */
    private static String shown(String value) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < value.length() && i < 40; i++) {
            char c = value.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.append(value.length() > 40 ? "...'" : "'").toString();
    }

    /**
     * Answers the request with a problem+json and closes the connection: at once after the answer when the request
     * has been read whole ({@code complete}), else once the rest of its body is in (see {@link #handleRead}). The
     * answer is written as it goes on the wire, not through the codec's response: the request never reaches the
     * container, and under load the codec sent the response of such a request without its Content-Type, Date and
     * Connection headers.
     */
    /** Refuses the request ({@link #refuse}), drops the rest of it (see {@link #handleRead}) and stops it here. */
    private static NextAction refused(FilterChainContext ctx, HttpRequestPacket request, boolean complete, int status, String title, String detail) {
        REFUSED.set(request, Boolean.TRUE);
        refuse(ctx, request, complete, status, title, detail);
        return ctx.getStopAction();
    }

    private static void refuse(FilterChainContext ctx, HttpRequestPacket request, boolean complete, int status, String title, String detail) {
        HttpResponsePacket response = request.getResponse();
        byte[] body = Problem.json(status, title, detail);
        CodecErrorBodies.passing();
        boolean head = Method.HEAD.equals(request.getMethod());
        String allow = response.getHeader("Allow");
        String text = "HTTP/1.1 " + status + " " + title + "\r\n"
                + (allow == null ? "" : "Allow: " + allow + "\r\n")
                + "Content-Type: " + Problem.MEDIA_TYPE + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Date: " + HTTP_DATE.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)) + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] all = head ? headBytes : java.util.Arrays.copyOf(headBytes, headBytes.length + body.length);
        if (!head) {
            System.arraycopy(body, 0, all, headBytes.length, body.length);
        }
        boolean closeNow = complete || (request.getContentLength() <= 0 && !request.isChunked());
        ctx.write(null, Buffers.wrap(ctx.getMemoryManager(), all), new org.glassfish.grizzly.EmptyCompletionHandler<org.glassfish.grizzly.WriteResult>() {
            @Override
            public void completed(org.glassfish.grizzly.WriteResult result) {
                if (closeNow) {
                    ctx.getConnection().closeSilently();
                }
            }

            @Override
            public void failed(Throwable error) {
                ctx.getConnection().closeSilently();
            }
        });
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        CodecErrorBodies.passing();
        Object message = ctx.getMessage();
        if (message instanceof HttpPacket packet) {
            HttpHeader header = packet.getHttpHeader();
            if (header instanceof HttpResponsePacket response && !response.isCommitted() && needsBody(response, packet)) {
                int status = response.getStatus();
                byte[] body = Problem.json(status, Problem.title(status), Problem.detail(status));
                response.setContentType(Problem.MEDIA_TYPE);
                response.setContentLength(body.length);
                boolean head = response.getRequest() != null && Method.HEAD.equals(response.getRequest().getMethod());
                Buffer buffer = head ? Buffers.EMPTY_BUFFER : Buffers.wrap(ctx.getMemoryManager(), body);
                if (packet instanceof HttpContent replaced) {
                    replaced.getContent().tryDispose();
                }
                ctx.setMessage(HttpContent.builder(response).content(buffer).last(true).build());
            }
        }
        return ctx.getInvokeAction();
    }

    /**
     * An error answer without a content type, complete in this packet: without a body, or with the container's own
     * short text (e.g. its 400 for a request target it cannot map); either way it becomes a problem+json.
     */
    private static boolean needsBody(HttpResponsePacket response, HttpPacket packet) {
        if (response.getStatus() < 400 || response.getContentType() != null || response.isChunked()) {
            return false;
        }
        if (packet instanceof HttpContent content) {
            return content.isLast() && (response.getContentLength() <= 0 || content.getContent().remaining() == response.getContentLength());
        }
        return response.getContentLength() == 0;
    }
}
