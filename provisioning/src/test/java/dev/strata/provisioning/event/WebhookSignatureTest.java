package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final byte[] BODY = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aKnownVector() {
        // computed outside Java: python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_test-secret',
        //   b'1765015200.{\"id\":\"evt_1\"}', hashlib.sha256).hexdigest())"
        assertThat(WebhookSignature.header("whsec_test-secret", 1765015200L, BODY))
                .isEqualTo("t=1765015200,v1=2ff1b1495256e549c4e0d19c267b7f6fe46379bb6d989ee3503656b71fd1abf5");
    }

    @Test
    void isHmacSha256OfTimestampDotBodyKeyedWithTheSecretString() throws Exception {
        String secret = WebhookSignature.newSecret();
        byte[] body = "{\"message\":\"ünïcode and \\\"quotes\\\"\"}".getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] message = ("1700000000." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(mac.doFinal(message));
        assertThat(WebhookSignature.header(secret, 1700000000L, body)).isEqualTo("t=1700000000,v1=" + expected);
        // another timestamp or body: another signature
        assertThat(WebhookSignature.header(secret, 1700000001L, body)).doesNotContain(expected);
    }

    @Test
    void secretsAre32RandomBytesInBase64Url() {
        String a = WebhookSignature.newSecret();
        String b = WebhookSignature.newSecret();
        assertThat(a).startsWith("whsec_").isNotEqualTo(b);
        assertThat(Base64.getUrlDecoder().decode(a.substring("whsec_".length()))).hasSize(32);
        assertThat(a.substring(6)).matches("[A-Za-z0-9_-]{43}");
    }
}
