package dev.strata.domain.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class StorageClassNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"local", "fast-ssd", "ebs.csi.aws.com", "a", "gp3", "x1.y2-z3"})
    void takesDnsSubdomains(String name) {
        assertThat(new StorageClassName(name).value()).isEqualTo(name);
    }

    @Test
    void takesNamesUpTo253CharactersWhichTheColumnHolds() throws Exception {
        String longest = ("a".repeat(63) + ".").repeat(3) + "b".repeat(61);
        assertThat(longest).hasSize(253);
        assertThat(new StorageClassName(longest).value()).hasSize(253);
        assertThat(Database.class.getDeclaredField("storageClass").getAnnotation(jakarta.persistence.Column.class).length())
                .isEqualTo(StorageClassName.MAX_LENGTH);
        assertThatThrownBy(() -> new StorageClassName(longest + "c")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at most 253");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Fast", "-a", "a-", ".a", "a.", "a..b", "a_b", "a b", "a/b", "é"})
    void refusesEverythingElse(String name) {
        assertThatThrownBy(() -> new StorageClassName(name)).isInstanceOf(InvalidInputException.class);
    }
}
