package dev.strata.provisioning.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the scrape-time gauges are computed from. Each method may throw when its source is unavailable (the
 * metadata database restarting): the series built from it are left out of that scrape, the others are served.
 */
public interface ScrapeFigures {

    /** Databases by engine and status (wire names), the combinations that exist. */
    List<DatabaseCount> databaseCounts();

    /** Per existing database with at least one finished backup: when the last one succeeded and how the last one ended. */
    List<BackupOutcome> backupOutcomes();

    /** What each project's buckets hold; empty until first measured. */
    Map<String, ObjectStorage> objectStorage();

    record DatabaseCount(String engine, String status, long count) {
    }

    /**
     * @param lastSuccess when the most recent completed backup completed, null when none did
     * @param lastFailure when the most recent failed backup failed, null when none failed
     */
    record BackupOutcome(String databaseId, String engine, Instant lastSuccess, Instant lastFailure) {

        /** Whether the most recent finished backup succeeded. */
        public boolean lastSucceeded() {
            return lastSuccess != null && (lastFailure == null || !lastFailure.isAfter(lastSuccess));
        }
    }

    record ObjectStorage(long bytes, long objects) {
    }
}
