package dev.strata.provisioning.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SealedStreamTest {

    private static final String KEY = "k".repeat(48);

    private static byte[] sample(int size) {
        byte[] b = new byte[size];
        new Random(7).nextBytes(b);
        // half compressible, half random
        Arrays.fill(b, 0, size / 2, (byte) 'a');
        return b;
    }

    private static byte[] openAll(byte[] sealed, String key, String id) throws IOException {
        try (InputStream in = SealedStream.open(new ByteArrayInputStream(sealed), key, id)) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripsAcrossChunksAndHidesThePlainText() throws Exception {
        byte[] plain = sample(3 * SealedStream.CHUNK + 12345);
        System.arraycopy("SECRET-ROW".getBytes(StandardCharsets.US_ASCII), 0, plain, plain.length - 20, 10);
        byte[] sealed = SealedStream.sealBytes(plain, KEY, "bkp_1");
        assertThat(openAll(sealed, KEY, "bkp_1")).isEqualTo(plain);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("SECRET-ROW").doesNotContain("aaaaaaaa");
        assertThat(sealed.length).as("compressed").isLessThan(plain.length);
    }

    @Test
    void emptyStreamRoundTrips() throws Exception {
        assertThat(openAll(SealedStream.sealBytes(new byte[0], KEY, "bkp_2"), KEY, "bkp_2")).isEmpty();
    }

    @Test
    void wrongKeyOrBackupIdDoesNotOpen() throws Exception {
        byte[] sealed = SealedStream.sealBytes(sample(1000), KEY, "bkp_3");
        assertThatThrownBy(() -> openAll(sealed, "x".repeat(48), "bkp_3")).isInstanceOf(IOException.class).hasMessageContaining("authenticate");
        assertThatThrownBy(() -> openAll(sealed, KEY, "bkp_4")).isInstanceOf(IOException.class);
    }

    @Test
    void alteredTruncatedOrExtendedObjectsFail() throws Exception {
        byte[] sealed = SealedStream.sealBytes(sample(2 * SealedStream.CHUNK + 10), KEY, "bkp_5");
        byte[] flipped = sealed.clone();
        flipped[flipped.length / 2] ^= 1;
        assertThatThrownBy(() -> openAll(flipped, KEY, "bkp_5")).isInstanceOf(IOException.class);
        // cut after the first chunk: every remaining chunk boundary is missing
        byte[] cut = Arrays.copyOf(sealed, sealed.length - 100);
        assertThatThrownBy(() -> openAll(cut, KEY, "bkp_5")).isInstanceOf(IOException.class);
        byte[] longer = Arrays.copyOf(sealed, sealed.length + 1);
        assertThatThrownBy(() -> openAll(longer, KEY, "bkp_5")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> openAll("not a backup at all".getBytes(StandardCharsets.US_ASCII), KEY, "bkp_5"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void digestOfMatchesTheDigestTakenWhileSealing() throws Exception {
        byte[] plain = sample(100_000);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        SealedStream.Sealing s = SealedStream.seal(out, KEY, "bkp_6");
        s.write(plain);
        s.close();
        assertThat(SealedStream.digestOf(new ByteArrayInputStream(out.toByteArray()), KEY, "bkp_6")).isEqualTo(s.sha256Digest());
        assertThat(s.plainBytes()).isEqualTo(plain.length);
        assertThat(s.storedBytes()).isEqualTo(out.size());
    }
}
