package dev.strata.it.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: request lines, targets and headers that no HTTP client
 * library would send (a client library refuses {@code %zz} in a URI, NUL in a header, a body on GET...). One
 * request per connection; the client half-closes after sending, so a server that waits for more of a broken
 * request sees the end at once.
 */
public final class RawHttp {

    /** What came back; {@code status} is -1 when the server closed the connection without an answer. */
    public record Answer(int status, Map<String, String> headers, byte[] body, String head) {

        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean answered() {
            return status > 0;
        }
    }

    private final String host;
    private final int port;

    public RawHttp(String baseUrl) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
    }

    /** The {@code Host} header value of this server. */
    public String authority() {
        return host + ":" + port;
    }

    public Answer send(byte[] request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // the server may answer and close before it has read everything (e.g. huge headers): read what it said
            }
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot talk to " + host + ":" + port + ": " + e, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no end of the answer within 30 s; got so far: "
                    + new String(all.toByteArray(), StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            // a reset after the answer: keep what arrived
        }
        return all.toByteArray();
    }

    /**
     * Parses the first final response of the connection (status line, headers, body by Content-Length or chunks).
     * Interim answers before it ({@code 100 Continue} to {@code Expect: 100-continue}, {@code 103 Early Hints}: any
     * 1xx but 101) have no body and are skipped, as every HTTP client does (RFC 9110 15.2).
     */
    static Answer parse(byte[] raw) {
        byte[] crlf2 = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int end; (end = indexOf(raw, crlf2)) >= 0 && isInterim(raw, end); ) {
            raw = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        }
        int end = indexOf(raw, crlf2);
        if (raw.length == 0 || end < 0) {
            return new Answer(-1, Map.of(), raw, new String(raw, StandardCharsets.ISO_8859_1));
        }
        String head = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = statusLine.length >= 2 && statusLine[0].startsWith("HTTP/") ? Integer.parseInt(statusLine[1]) : -1;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        byte[] body;
        if (headers.getOrDefault("transfer-encoding", "").equalsIgnoreCase("chunked")) {
            body = dechunk(rest);
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            body = java.util.Arrays.copyOf(rest, Math.min(length, rest.length));
        } else {
            body = rest;
        }
        return new Answer(status, headers, body, head);
    }

    private static boolean isInterim(byte[] raw, int headEnd) {
        String[] statusLine = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0].split(" ", 3);
        return statusLine.length >= 2 && statusLine[0].startsWith("HTTP/") && statusLine[1].length() == 3
                && statusLine[1].charAt(0) == '1' && !statusLine[1].equals("101");
    }

    private static byte[] dechunk(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < in.length) {
            int lineEnd = indexOf(in, "\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(in, pos, lineEnd - pos, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.write(in, start, Math.min(size, in.length - start));
            pos = start + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        return indexOf(hay, needle, 0);
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
