package dev.strata.web.backups;

import dev.strata.domain.backup.Backup;
import dev.strata.domain.backup.BackupStatus;
import dev.strata.domain.backup.RecoveryWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The database page's backup timeline as the view draws it (inline SVG, no script): a time axis over the retention
 * period (stretched back to the oldest backup still listed), one marker per backup and the point-in-time recovery
 * window as a band. Coordinates are in the SVG's own {@link #WIDTH} × {@link #HEIGHT} view box, formatted for the
 * markup; the page scales the drawing to its width. Shape and words tell the statuses apart, never colour alone:
 * completed is a filled circle, failed a cross, pending or running a hollow diamond, each with a title, and
 * {@link #summary()} says it all for screen readers.
 */
public record BackupTimeline(String from, String to, List<Marker> markers, Band window, String summary) {

    public static final int WIDTH = 600;
    public static final int HEIGHT = 64;
    /** Room left and right of the axis so that a marker at either end is drawn whole. */
    static final int PAD = 12;
    static final int AXIS_Y = 52;
    static final int MARK_Y = 28;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** A backup as the timeline needs it: when it completed (or failed, or was asked for while in progress). */
    public record Entry(String id, BackupStatus status, String trigger, Instant at) {
        public static Entry of(Backup b) {
            return new Entry(b.id(), b.status(), b.trigger().wireName(),
                    b.completedAt() != null ? b.completedAt() : b.startedAt() != null ? b.startedAt() : b.createdAt());
        }
    }

    /** One backup: {@code shape} is the SVG path of its marker, {@code status} its wire name, {@code title} it in words. */
    public record Marker(String id, String status, String x, String shape, String title) {
    }

    /** The recovery window: {@code x} and {@code width} of its band, its bounds in words; null when there is none. */
    public record Band(String x, String width, String earliest, String latest) {
    }

    /**
     * @param backups    the database's backups (any order)
     * @param window     its recovery window now, or null when it cannot be asked
     * @param retention  how far back the axis goes at least (the policy's retention)
     * @param now        the right end of the axis
     */
    public static BackupTimeline of(List<Entry> backups, RecoveryWindow window, Duration retention, Instant now) {
        Instant from = now.minus(retention);
        for (Entry b : backups) {
            Instant t = b.at();
            if (t.isBefore(from)) {
                from = t;
            }
        }
        Axis axis = new Axis(from, now);
        List<Marker> markers = new ArrayList<>();
        int completed = 0;
        int failed = 0;
        int busy = 0;
        for (Entry b : backups) {
            double x = axis.x(b.at());
            String status = b.status().wireName();
            String shape;
            if (b.status() == BackupStatus.COMPLETED) {
                completed++;
                shape = circle(x);
            } else if (b.status() == BackupStatus.FAILED) {
                failed++;
                shape = cross(x);
            } else {
                busy++;
                shape = diamond(x);
            }
            markers.add(new Marker(b.id(), status, num(x), shape, b.id() + ": " + status + ", " + b.trigger() + ", "
                    + MOMENT.format(b.at())));
        }
        Band band = null;
        if (window != null && window.pointInTime() && window.earliest() != null && window.latest() != null) {
            double x1 = axis.x(window.earliest());
            double x2 = axis.x(window.latest().isAfter(now) ? now : window.latest());
            Instant earliest = dev.strata.provisioning.backup.Backups.shownUp(window.earliest());
            // right after the first base backup "now" may still be within the second the window's start is rounded up to
            Instant latest = window.latest().isBefore(earliest) ? earliest : window.latest();
            band = new Band(num(x1), num(Math.max(2, x2 - x1)), MOMENT.format(earliest), MOMENT.format(latest));
        }
        StringBuilder s = new StringBuilder("Backups from ").append(DAY.format(from)).append(" to ").append(DAY.format(now)).append(": ")
                .append(count(backups.size(), "backup")).append(" (").append(completed).append(" completed, ").append(failed)
                .append(" failed, ").append(busy).append(" in progress). ");
        if (band != null) {
            s.append("Point-in-time recovery window from ").append(band.earliest()).append(" to ").append(band.latest()).append('.');
        } else {
            s.append("No point-in-time recovery window.");
        }
        return new BackupTimeline(DAY.format(from), DAY.format(now), List.copyOf(markers), band, s.toString());
    }

    /** The line of the time axis. */
    public String getAxis() {
        return "M" + PAD + " " + AXIS_Y + " H" + (WIDTH - PAD) + " M" + PAD + " " + (AXIS_Y - 5) + " V" + (AXIS_Y + 5) + " M" + (WIDTH - PAD) + " "
                + (AXIS_Y - 5) + " V" + (AXIS_Y + 5);
    }

    public int getWidth() { return WIDTH; }
    public int getHeight() { return HEIGHT; }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String circle(double x) {
        return "M" + num(x - 7) + " " + MARK_Y + " a7 7 0 1 0 14 0 a7 7 0 1 0 -14 0 Z";
    }

    private static String cross(double x) {
        return "M" + num(x - 6) + " " + (MARK_Y - 6) + " l12 12 M" + num(x + 6) + " " + (MARK_Y - 6) + " l-12 12";
    }

    private static String diamond(double x) {
        return "M" + num(x) + " " + (MARK_Y - 8) + " l8 8 l-8 8 l-8 -8 Z";
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Maps instants from {@code from} to {@code to} onto the axis between the pads. */
    private record Axis(Instant from, Instant to) {
        double x(Instant t) {
            long span = Math.max(1, Duration.between(from, to).toMillis());
            long at = Math.min(span, Math.max(0, Duration.between(from, t).toMillis()));
            return PAD + (WIDTH - 2.0 * PAD) * at / span;
        }
    }
}
