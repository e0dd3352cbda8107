package dev.strata.domain.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.UnprocessableException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StorageSizeTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10, 512, 1023, 1024})
    void valid_sizes(int gb) {
        assertThat(new StorageSize(gb).gb()).isEqualTo(gb);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1025, 2048, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void out_of_range(int gb) {
        assertThatThrownBy(() -> new StorageSize(gb))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("storageGb must be between 1 and 1024 (got " + gb + ")");
    }

    @Test
    void range_message_is_exact() {
        assertThatThrownBy(() -> new StorageSize(0))
                .hasMessage("storageGb must be between 1 and 1024 (got 0)")
                .extracting(e -> ((InvalidInputException) e).errors())
                .isEqualTo(List.of(new FieldError("storageGb", "storageGb must be between 1 and 1024 (got 0)")));
    }

    @Test
    void default_is_10_gb() {
        assertThat(StorageSize.DEFAULT).isEqualTo(new StorageSize(10));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"10, 10", "10, 11", "1, 1024", "20, 20", "1023, 1024"})
    void can_grow_or_stay(int from, int to) {
        StorageSize next = new StorageSize(to);
        assertThat(new StorageSize(from).growTo(next)).isSameAs(next);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"20, 10", "11, 10", "1024, 1", "2, 1"})
    void cannot_shrink(int from, int to) {
        assertThatThrownBy(() -> new StorageSize(from).growTo(new StorageSize(to)))
                .isInstanceOf(UnprocessableException.class)
                .hasMessage("storageGb can only grow: the database has " + from + " GB, " + to + " was requested");
    }

    @Test
    void shrink_message_is_exact() {
        assertThatThrownBy(() -> new StorageSize(20).growTo(new StorageSize(10)))
                .hasMessage("storageGb can only grow: the database has 20 GB, 10 was requested")
                .extracting(e -> ((UnprocessableException) e).errors())
                .isEqualTo(List.of(new FieldError("storageGb",
                        "storageGb can only grow: the database has 20 GB, 10 was requested")));
    }

    @Test
    void growing_to_nothing_is_invalid() {
        assertThatThrownBy(() -> new StorageSize(10).growTo(null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("storageGb is required");
    }
}
