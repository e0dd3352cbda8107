package dev.strata.provisioning.event;

import java.time.Duration;

/**
 * When a failed webhook delivery is sent again: after {@code base} (STRATA_WEBHOOK_RETRY_BASE_SECONDS, 10 s),
 * doubling after each failure, each wait at most an hour: 10 s, 20 s, 40 s, … 2560 s, then hourly. A delivery is
 * given up once its first attempt is older than STRATA_WEBHOOK_GIVE_UP_HOURS (26 h): retried for over a day.
 */
public final class RetrySchedule {

    public static final Duration MAX_WAIT = Duration.ofHours(1);

    private RetrySchedule() {
    }

    /** The wait after the {@code attempts}-th failed attempt (1 = the first). */
    public static Duration waitAfter(int attempts, Duration base) {
        if (attempts < 1) {
            return Duration.ZERO;
        }
        int doublings = Math.min(attempts - 1, 30);
        long millis = base.toMillis();
        for (int i = 0; i < doublings && millis < MAX_WAIT.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, MAX_WAIT.toMillis()));
    }
}
