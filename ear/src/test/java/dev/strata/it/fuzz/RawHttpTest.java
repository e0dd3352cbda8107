package dev.strata.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawHttpTest {

    private static RawHttp.Answer parse(String raw) {
        return RawHttp.parse(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aContinueBeforeTheAnswerIsSkipped() {
        RawHttp.Answer a = parse("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("content-type")).isEqualTo("application/json");
        assertThat(a.bodyText()).isEqualTo("{}");
    }

    @Test
    void severalInterimAnswersAreSkipped() {
        RawHttp.Answer a = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 400 Bad Request\r\nContent-Length: 1\r\n\r\nx");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("link")).isEmpty();
        assertThat(a.bodyText()).isEqualTo("x");
    }

    @Test
    void aContinueWithoutAFinalAnswerIsNoAnswer() {
        assertThat(parse("HTTP/1.1 100 Continue\r\n\r\n").answered()).isFalse();
    }

    @Test
    void switchingProtocolsIsAFinalAnswer() {
        assertThat(parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n").status()).isEqualTo(101);
    }

    @Test
    void chunkedBodiesAreJoined() {
        RawHttp.Answer a = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");

        assertThat(a.bodyText()).isEqualTo("abcde");
    }
}
