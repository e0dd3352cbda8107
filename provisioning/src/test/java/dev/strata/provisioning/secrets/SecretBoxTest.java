package dev.strata.provisioning.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretBoxTest {

    private static byte[] key(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        raw[0] = 42;
        return raw;
    }

    private final SecretBox box = new SecretBox(key(7));

    @ParameterizedTest
    @ValueSource(strings = {"", "p", "hunter22", "correct horse battery staple",
            "Grüße, 日本語, emoji 🔐 and \u0000 nul", "line\nbreaks\tand 'quotes\" \\ too"})
    void seal_then_open_gives_the_plain_text_back(String plain) {
        String sealed = box.seal(plain);

        assertThat(box.open(sealed)).isEqualTo(plain);
    }

    @Test
    void long_text_round_trips() {
        String plain = "x".repeat(10_000) + "é";

        assertThat(box.open(box.seal(plain))).isEqualTo(plain);
    }

    @Test
    void sealed_value_is_versioned_base64() {
        String sealed = box.seal("hunter22");

        assertThat(sealed).startsWith("v1:");
        // 12-byte nonce + 8 bytes of cipher text + 16-byte tag
        assertThat(Base64.getDecoder().decode(sealed.substring(3))).hasSize(12 + 8 + 16);
    }

    @Test
    void two_seals_of_the_same_text_differ() {
        String first = box.seal("same secret");
        String second = box.seal("same secret");

        assertThat(first).isNotEqualTo(second);
        assertThat(box.open(first)).isEqualTo(box.open(second)).isEqualTo("same secret");
    }

    @Test
    void nonces_do_not_repeat() {
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            byte[] raw = Base64.getDecoder().decode(box.seal("a").substring(3));
            nonces.add(Base64.getEncoder().encodeToString(Arrays.copyOf(raw, 12)));
        }
        assertThat(nonces).hasSize(200);
    }

    @Test
    void sealed_text_does_not_contain_the_plain_text() {
        String plain = "SuperSecretPassword";

        String sealed = box.seal(plain);

        assertThat(sealed).doesNotContain(plain);
        assertThat(sealed).doesNotContain(Base64.getEncoder().encodeToString(plain.getBytes()));
    }

    @Test
    void tampering_with_any_one_character_is_detected() {
        // 36 bytes of payload encode to 48 base64 characters without padding, so every character carries data.
        String sealed = box.seal("hunter22");
        String payload = sealed.substring(3);
        assertThat(payload).hasSize(48).doesNotContain("=");

        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            String tampered = "v1:" + payload.substring(0, i) + (c == 'A' ? 'B' : 'A') + payload.substring(i + 1);
            assertThatThrownBy(() -> box.open(tampered))
                    .as("tampered at %d", i)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void another_key_cannot_open_it() {
        String sealed = box.seal("hunter22");
        SecretBox other = new SecretBox(key(8));

        assertThatThrownBy(() -> other.open(sealed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STRATA_MASTER_KEY");
    }

    @Test
    void the_same_key_in_another_instance_opens_it() {
        String sealed = box.seal("hunter22");

        assertThat(new SecretBox(key(7)).open(sealed)).isEqualTo("hunter22");
    }

    @Test
    void values_that_are_not_sealed_are_rejected() {
        assertThatThrownBy(() -> box.open(null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> box.open("hunter22")).isInstanceOf(IllegalStateException.class);
        String sealed = box.seal("hunter22");
        assertThatThrownBy(() -> box.open("v2:" + sealed.substring(3))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void random_password_has_the_asked_length_and_only_letters_and_digits() {
        for (int i = 0; i < 1000; i++) {
            assertThat(SecretBox.randomPassword(32)).hasSize(32).matches("[A-Za-z0-9]{32}");
        }
    }

    @Test
    void random_password_of_zero_length_is_empty() {
        assertThat(SecretBox.randomPassword(0)).isEmpty();
    }

    @Test
    void random_passwords_are_unique_and_use_the_whole_alphabet() {
        Set<String> passwords = new HashSet<>();
        Set<Character> used = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String p = SecretBox.randomPassword(32);
            passwords.add(p);
            p.chars().forEach(c -> used.add((char) c));
        }

        assertThat(passwords).hasSize(1000);
        // 32,000 draws from the 57-character alphabet (no I, O, l, 0, 1): every character shows up.
        assertThat(used).hasSize(57).doesNotContain('I', 'O', 'l', '0', '1');
    }
}
