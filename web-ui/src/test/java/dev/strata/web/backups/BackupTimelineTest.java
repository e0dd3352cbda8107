package dev.strata.web.backups;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.backup.BackupStatus;
import dev.strata.domain.backup.RecoveryWindow;
import dev.strata.web.backups.BackupTimeline.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupTimelineTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final Duration WEEK = Duration.ofDays(7);

    @Test
    void theAxisSpansTheRetentionEndingNowAndEachBackupIsAMarkerOfItsOwnShape() {
        List<Entry> backups = List.of(
                new Entry("bkp_a", BackupStatus.COMPLETED, "manual", NOW.minus(WEEK)),
                new Entry("bkp_b", BackupStatus.FAILED, "scheduled", NOW.minus(Duration.ofDays(3)).minus(Duration.ofHours(12))),
                new Entry("bkp_c", BackupStatus.RUNNING, "manual", NOW));
        BackupTimeline t = BackupTimeline.of(backups, null, WEEK, NOW);

        assertThat(t.from()).isEqualTo("2026-11-29 12:00 UTC");
        assertThat(t.to()).isEqualTo("2026-12-06 12:00 UTC");
        assertThat(t.markers()).extracting(BackupTimeline.Marker::x).containsExactly("12.0", "300.0", "588.0");
        assertThat(t.markers()).extracting(BackupTimeline.Marker::status).containsExactly("completed", "failed", "running");
        // three different shapes: a closed circle, an open cross, a closed diamond
        assertThat(t.markers().get(0).shape()).contains("a7 7").endsWith("Z");
        assertThat(t.markers().get(1).shape()).doesNotContain("Z").contains("l12 12");
        assertThat(t.markers().get(2).shape()).contains("l8 8").endsWith("Z");
        assertThat(t.markers().get(1).title()).isEqualTo("bkp_b: failed, scheduled, 2026-12-03 00:00:00 UTC");
        assertThat(t.window()).isNull();
        assertThat(t.summary()).isEqualTo("Backups from 2026-11-29 12:00 UTC to 2026-12-06 12:00 UTC: 3 backups (1 completed, 1 failed,"
                + " 1 in progress). No point-in-time recovery window.");
    }

    @Test
    void anOlderBackupStretchesTheAxisBack() {
        Instant old = NOW.minus(Duration.ofDays(14));
        BackupTimeline t = BackupTimeline.of(List.of(new Entry("bkp_a", BackupStatus.FAILED, "manual", old)), null, WEEK, NOW);
        assertThat(t.from()).isEqualTo("2026-11-22 12:00 UTC");
        assertThat(t.markers().get(0).x()).isEqualTo("12.0");
        assertThat(t.summary()).contains("1 backup (0 completed, 1 failed, 0 in progress)");
    }

    @Test
    void theRecoveryWindowIsABandWithItsBoundsInWords() {
        Instant earliest = Instant.parse("2026-12-05T12:00:00.250Z");
        RecoveryWindow w = new RecoveryWindow(true, earliest, NOW, List.of(earliest), "any moment");
        BackupTimeline t = BackupTimeline.of(List.of(new Entry("bkp_a", BackupStatus.COMPLETED, "manual", earliest)), w, WEEK, NOW);
        assertThat(t.window()).isNotNull();
        assertThat(Double.parseDouble(t.window().x())).isCloseTo(12 + 576.0 * 6 / 7, org.assertj.core.data.Offset.offset(0.1));
        assertThat(Double.parseDouble(t.window().x()) + Double.parseDouble(t.window().width())).isCloseTo(588.0,
                org.assertj.core.data.Offset.offset(0.1));
        // the start rounded up to the second, as the API shows it and as the restore form accepts it
        assertThat(t.window().earliest()).isEqualTo("2026-12-05 12:00:01 UTC");
        assertThat(t.window().latest()).isEqualTo("2026-12-06 12:00:00 UTC");
        assertThat(t.summary()).endsWith("Point-in-time recovery window from 2026-12-05 12:00:01 UTC to 2026-12-06 12:00:00 UTC.");
    }

    @Test
    void aWindowWithoutAnArchiveDrawsNoBand() {
        RecoveryWindow w = new RecoveryWindow(false, null, null, List.of(NOW), "snapshots only");
        assertThat(BackupTimeline.of(List.of(), w, WEEK, NOW).window()).isNull();
        assertThat(BackupTimeline.of(List.of(), w, WEEK, NOW).summary()).contains(": 0 backups (");
    }
}
