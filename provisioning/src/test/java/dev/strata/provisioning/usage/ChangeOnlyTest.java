package dev.strata.provisioning.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.usage.UsageMetric;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sample is stored only when its figure changed: at rest, nothing is written. */
class ChangeOnlyTest {

    private static final ChangeOnly.Key STORAGE = new ChangeOnly.Key("ws_1", "db_1", UsageMetric.STORAGE_USED_BYTES);
    private static final ChangeOnly.Key CONNECTIONS = new ChangeOnly.Key("ws_1", "db_1", UsageMetric.CLIENT_CONNECTIONS);
    private static final ChangeOnly.Key READY = new ChangeOnly.Key("ws_1", "ws_1", UsageMetric.DATABASES_READY);
    private static final ChangeOnly.Key SLEEPING = new ChangeOnly.Key("ws_1", "ws_1", UsageMetric.DATABASES_SLEEPING);

    @Test
    void theFirstObservationIsStored() {
        assertThat(ChangeOnly.changes(Map.of(), Map.of(STORAGE, 4096L, CONNECTIONS, 0L, READY, 3L)))
                .containsOnly(Map.entry(STORAGE, 4096L), Map.entry(CONNECTIONS, 0L), Map.entry(READY, 3L));
    }

    @Test
    void anUnchangedFigureWritesNothingTickAfterTick() {
        Map<ChangeOnly.Key, Long> last = new HashMap<>();
        Map<ChangeOnly.Key, Long> observed = Map.of(STORAGE, 4096L, CONNECTIONS, 2L, READY, 3L);
        last.putAll(ChangeOnly.changes(last, observed));
        for (int tick = 0; tick < 100; tick++) {
            assertThat(ChangeOnly.changes(last, observed)).isEmpty();
        }
    }

    @Test
    void onlyTheFiguresThatChangedAreStored() {
        Map<ChangeOnly.Key, Long> last = Map.of(STORAGE, 4096L, CONNECTIONS, 2L, READY, 3L);
        assertThat(ChangeOnly.changes(last, Map.of(STORAGE, 8192L, CONNECTIONS, 2L, READY, 3L)))
                .containsOnly(Map.entry(STORAGE, 8192L));
    }

    @Test
    void aFigureNoLongerObservedIsUnknownNotZero() {
        // a database deleted, or its server not answering: no sample, the chart keeps its last figure until the range passes it
        assertThat(ChangeOnly.changes(Map.of(STORAGE, 4096L, CONNECTIONS, 2L), Map.of())).isEmpty();
    }

    @Test
    void aStatusNobodyHasAnyMoreGetsOneZero() {
        Map<ChangeOnly.Key, Long> last = new HashMap<>(Map.of(READY, 2L, SLEEPING, 1L));
        Map<ChangeOnly.Key, Long> observed = Map.of(READY, 3L); // the sleeping one woke up: no row for SLEEPING in the count
        Map<ChangeOnly.Key, Long> first = ChangeOnly.changes(last, observed);
        assertThat(first).containsOnly(Map.entry(READY, 3L), Map.entry(SLEEPING, 0L));
        last.putAll(first);
        assertThat(ChangeOnly.changes(last, observed)).isEmpty();
    }

    @Test
    void aCountThatWasAlwaysZeroIsNeverWritten() {
        assertThat(ChangeOnly.changes(Map.of(), Map.of(SLEEPING, 0L))).isEmpty();
    }
}
