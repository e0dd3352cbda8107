package dev.strata.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Sits right before the HTTP codec (on the transport side). Grizzly's codec answers a request it cannot parse
 * (malformed request line or header, a missing Host, conflicting Content-Length/Transfer-Encoding, a body on GET,
 * HEAD or DELETE, headers over the listener's limit, an HTTP version it does not speak: 505, made a 400 here) by itself, already encoded,
 * with {@code Content-Length: 0} and then closes the connection: {@code HttpServerFilter.customizeErrorResponse}
 * builds that empty answer and nothing configurable replaces it. Those are the only answers written without
 * passing {@link ProblemAnswers} (which marks every other write), so here they get a problem+json body.
 */
public class CodecErrorBodies extends BaseFilter {

    /** Set while a write that passed {@link ProblemAnswers} goes down the chain (the same thread, synchronously). */
    private static final ThreadLocal<Boolean> PASSED = new ThreadLocal<>();

    static void passing() {
        PASSED.set(Boolean.TRUE);
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        boolean passed = PASSED.get() != null;
        PASSED.remove();
        if (ctx.getMessage() instanceof Buffer buffer) {
            // A mark can be left over on this worker thread by a write that passed ProblemAnswers but never came
            // down here (the codec had nothing to send for it): the codec's own answer that the thread writes next
            // then looked like a passed one and went out empty (ApiFuzzIT, once in CI). So a marked write is still
            // rewritten when it is what only the codec writes: an error status, no Content-Type, Content-Length: 0
            // (ProblemAnswers gives every error answer that passes it a Content-Type).
            byte[] rewritten = withProblemBody(buffer, passed);
            if (rewritten != null) {
                ctx.setMessage(Buffers.wrap(ctx.getMemoryManager(), rewritten));
                buffer.tryDispose();
            }
        }
        return ctx.getInvokeAction();
    }

    /** {@link #withProblemBody(Buffer, boolean)} for a write that did not pass {@link ProblemAnswers}. */
    static byte[] withProblemBody(Buffer buffer) {
        return withProblemBody(buffer, false);
    }

    /**
     * The same answer with a problem+json body, or {@code null} when {@code buffer} is not an error answer without
     * a body and a Content-Type; when {@code onlyExplicitlyEmpty}, also null unless it says {@code Content-Length: 0}
     * (the head of a longer answer whose body follows in later writes has a non-zero length or none).
     */
    static byte[] withProblemBody(Buffer buffer, boolean onlyExplicitlyEmpty) {
        int start = buffer.position();
        int length = Math.min(buffer.remaining(), 16 * 1024);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = buffer.get(start + i);
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0 || end + 4 != buffer.remaining()) {
            return null; // not one complete answer without a body
        }
        String[] lines = text.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            return null;
        }
        if (status < 400) {
            return null;
        }
        boolean typed = false;
        boolean explicitlyEmpty = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = colon > 0 ? lines[i].substring(0, colon).trim() : "";
            typed |= name.equalsIgnoreCase("Content-Type");
            explicitlyEmpty |= name.equalsIgnoreCase("Content-Length") && lines[i].substring(colon + 1).trim().equals("0");
        }
        if (typed || (onlyExplicitlyEmpty && !explicitlyEmpty)) {
            return null;
        }
        String detail = Problem.detail(status);
        if (status == 505) {
            // a version this server does not speak is the client's mistake like any unreadable request line: a 4xx
            status = 400;
            lines[0] = statusLine[0] + " 400 Bad Request";
        }
        byte[] body = Problem.json(status, Problem.title(status), detail);
        StringBuilder head = new StringBuilder(lines[0]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String name = lines[i].contains(":") ? lines[i].substring(0, lines[i].indexOf(':')).trim() : "";
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Content-Type")) {
                head.append(lines[i]).append("\r\n");
            }
        }
        head.append("Content-Type: ").append(Problem.MEDIA_TYPE).append("\r\nContent-Length: ").append(body.length).append("\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }
}
