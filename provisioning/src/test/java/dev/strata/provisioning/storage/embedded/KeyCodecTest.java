package dev.strata.provisioning.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyCodecTest {

    @Test
    void everyKeyRoundTripsAndNoTwoShareAName() {
        Random random = new Random(42);
        Set<String> names = new HashSet<>();
        Set<String> keys = new HashSet<>();
        String alphabet = "ab/.%~-_ é\uD83D\uDE00\u0000\n";
        for (int i = 0; i < 20_000; i++) {
            int length = 1 + random.nextInt(i % 50 == 0 ? 700 : 12);
            StringBuilder key = new StringBuilder();
            while (key.length() < length) {
                int at = random.nextInt(alphabet.length());
                char c = alphabet.charAt(at);
                if (Character.isHighSurrogate(c)) {
                    key.append(c).append(alphabet.charAt(at + 1));
                } else if (!Character.isLowSurrogate(c)) {
                    key.append(c);
                }
            }
            String k = key.toString();
            String name = KeyCodec.encode(k);
            assertThat(KeyCodec.decode(name)).as(k).contains(k);
            for (String piece : name.split("/")) {
                assertThat(piece).isNotIn(".", "..").doesNotStartWith(".");
                assertThat(piece.length()).isLessThanOrEqualTo(KeyCodec.PIECE + 2);
            }
            if (keys.add(k)) {
                assertThat(names.add(name)).as("name of %s taken", k).isTrue();
            }
        }
    }

    @Test
    void namesThatAreNotEncodingsAreRefused() {
        for (String name : List.of(".mpus-1", "a-b", "a%2Db-0f8fad5b-d9cb-469f-a165-70867728950e", ".s3proxy-versions", "%41", "%2f", "a%2", "a~", "~a", "a/b", "a b",
                "x".repeat(KeyCodec.PIECE + 1), "%FF")) {
            assertThat(KeyCodec.decode(name)).as(name).isEmpty();
        }
    }

    @Test
    void orderIsThatOfUtf8Bytes() {
        List<String> sorted = new java.util.ArrayList<>(List.of("b", "a/", "a", "\uD83D\uDE00", "\uFFFF", "A"));
        sorted.sort(KeyCodec.S3_ORDER);
        assertThat(sorted).containsExactly("A", "a", "a/", "b", "\uFFFF", "\uD83D\uDE00");
    }
}
