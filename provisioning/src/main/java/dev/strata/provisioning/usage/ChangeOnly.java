package dev.strata.provisioning.usage;

import dev.strata.domain.usage.UsageMetric;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which observed figures are worth a sample: those that differ from the last one stored. A database count that is
 * not observed is zero (so a status nobody has any more gets one sample of 0, and a count that was never anything
 * but zero is never written); any other figure that is not observed is unknown and writes nothing (a sleeping
 * database's connections are not asked for, a deleted database is not measured).
 */
public final class ChangeOnly {

    /** A series: what is measured, of which database, project or workspace (and that subject's workspace). */
    public record Key(String workspaceId, String subjectId, UsageMetric metric) {
    }

    private ChangeOnly() {
    }

    /** The figures to store now, given the last stored ones and what was observed. */
    public static Map<Key, Long> changes(Map<Key, Long> lastStored, Map<Key, Long> observed) {
        Map<Key, Long> out = new LinkedHashMap<>();
        Set<Key> keys = new HashSet<>(observed.keySet());
        lastStored.keySet().stream().filter(k -> k.metric().zeroWhenAbsent()).forEach(keys::add);
        for (Key k : keys) {
            Long now = observed.get(k);
            Long before = lastStored.get(k);
            if (k.metric().zeroWhenAbsent()) {
                long n = now == null ? 0 : now;
                long b = before == null ? 0 : before;
                if (n != b) {
                    out.put(k, n);
                }
            } else if (now != null && !now.equals(before)) {
                out.put(k, now);
            }
        }
        return out;
    }
}
