package dev.strata.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formatting helpers for views ({@code #{fmt.bytes(...)}}). */
@Named("fmt")
@ApplicationScoped
public class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    public String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** To the second: a branch point or a moment restored to, which a minute would not name. */
    public String moment(Instant instant) {
        return instant == null ? "" : MOMENT.format(instant);
    }

    public String bytes(Long bytes) {
        if (bytes == null) {
            return "—";
        }
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    /** Whether a status is on its way somewhere: the page keeps refreshing itself. */
    public boolean transitional(String status) {
        return "provisioning".equals(status) || "updating".equals(status) || "deleting".equals(status);
    }
}
