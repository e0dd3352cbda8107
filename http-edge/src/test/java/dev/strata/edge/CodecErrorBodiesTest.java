package dev.strata.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

class CodecErrorBodiesTest {

    private static org.glassfish.grizzly.Buffer buffer(String s) {
        return Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void givesTheCodecsEmptyErrorAnswerAProblemBody() {
        byte[] out = CodecErrorBodies.withProblemBody(buffer(
                "HTTP/1.1 400 Bad Request\r\nDate: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
        String text = new String(out, StandardCharsets.UTF_8);
        String body = text.substring(text.indexOf("\r\n\r\n") + 4);
        assertThat(text).startsWith("HTTP/1.1 400 Bad Request\r\nDate: x\r\nConnection: close\r\n")
                .contains("Content-Type: application/problem+json\r\n")
                .contains("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n")
                .doesNotContain("Content-Length: 0");
        assertThat(body).startsWith("{\"type\":\"https://strata.dev/problems/bad-request\",\"title\":\"Bad Request\",\"status\":400,");
    }

    @Test
    void anHttpVersionTheServerDoesNotSpeakIsTheClientsMistake() {
        String text = new String(CodecErrorBodies.withProblemBody(buffer(
                "HTTP/1.1 505 HTTP Version Not Supported\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")), StandardCharsets.UTF_8);
        assertThat(text).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("\"status\":400").contains("HTTP/1.1");
    }

    @Test
    void aWriteMarkedAsPassedIsStillRewrittenWhenOnlyTheCodecCanHaveWrittenIt() {
        // the codec's own answer, written on a thread where a stale mark was left
        assertThat(CodecErrorBodies.withProblemBody(buffer(
                "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\nX-Frame-Options: SAMEORIGIN\r\n\r\n"), true))
                .isNotNull();
        // the head of a container's error answer whose body follows in another write
        assertThat(CodecErrorBodies.withProblemBody(buffer("HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n"), true))
                .isNull();
        assertThat(CodecErrorBodies.withProblemBody(buffer("HTTP/1.1 404 Not Found\r\nContent-Length: 20\r\n\r\n"), true)).isNull();
    }

    @Test
    void leavesEverythingElseAlone() {
        assertThat(CodecErrorBodies.withProblemBody(buffer(
                "HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\nContent-Length: 0\r\n\r\n"))).isNull();
        assertThat(CodecErrorBodies.withProblemBody(buffer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))).isNull();
        assertThat(CodecErrorBodies.withProblemBody(buffer("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}"))).isNull();
        assertThat(CodecErrorBodies.withProblemBody(buffer("{\"some\":\"body bytes\"}"))).isNull();
    }
}
