package dev.strata.web.usage;

import dev.strata.provisioning.usage.UsageChart;
import dev.strata.provisioning.usage.UsageRange;
import dev.strata.web.Formats;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One chart as the page shows it: the figures as JSON for the canvas ({@code data-chart}), the same figures as table
 * rows, a text alternative for the canvas, and what to say when there is nothing to draw ({@code nothingToDraw}: EL
 * reserves the word "empty").
 */
public record ChartView(String key, String title, boolean nothingToDraw, String emptyText, String ariaLabel, String json,
                        List<String> headers, List<Row> rows) {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_HOUR = DateTimeFormatter.ofPattern("EEE HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** A table row: the step end and one shown figure per series. */
    public record Row(String time, List<String> cells) {
    }

    public static ChartView of(UsageChart chart, UsageRange range, Formats fmt) {
        boolean bytes = chart.unit() == UsageChart.Unit.BYTES;
        boolean line = chart.kind() == UsageChart.Kind.LINE;
        String span = range == UsageRange.DAY ? "the last day, hour by hour" : "the last week, in six-hour steps";
        List<Integer> styles = new ArrayList<>(); // the series' places in the chart: its point style and dashes, the same in every range
        List<UsageChart.Series> shown = new ArrayList<>();
        for (int k = 0; k < chart.series().size(); k++) {
            UsageChart.Series s = chart.series().get(k);
            // a status no database had in the whole range would only draw a line along zero
            if (chart.kind() == UsageChart.Kind.BAR || chart.series().size() == 1 || s.values().stream().anyMatch(v -> v != null && v != 0)) {
                styles.add(k);
                shown.add(s);
            }
        }

        List<String> headers = shown.stream().map(UsageChart.Series::label).toList();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < chart.ends().size(); i++) {
            List<String> cells = new ArrayList<>();
            for (UsageChart.Series s : shown) {
                Long v = s.values().get(i);
                cells.add(v == null ? "no data" : bytes ? fmt.bytes(v) : Long.toString(v));
            }
            rows.add(new Row(FULL.format(chart.ends().get(i)), cells));
        }

        StringBuilder json = new StringBuilder("{\"kind\":\"").append(line ? "line" : "bar").append("\",\"unit\":\"")
                .append(bytes ? "bytes" : "count").append("\",\"labels\":[");
        DateTimeFormatter label = range == UsageRange.DAY ? HOUR : DAY_HOUR;
        for (int i = 0; i < chart.ends().size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(label.format(chart.ends().get(i))).append('"');
        }
        json.append("],\"series\":[");
        for (int k = 0; k < shown.size(); k++) {
            UsageChart.Series s = shown.get(k);
            json.append(k == 0 ? "" : ",").append("{\"label\":\"").append(escape(s.label())).append("\",\"style\":")
                    .append(styles.get(k)).append(",\"values\":[");
            for (int i = 0; i < s.values().size(); i++) {
                Long v = s.values().get(i);
                json.append(i == 0 ? "" : ",").append(v == null ? "null" : v.toString());
            }
            json.append("]}");
        }
        json.append("]}");

        String aria = (line ? "Line chart" : "Bar chart") + " of " + chart.title().toLowerCase(Locale.ROOT) + " over " + span
                + " (UTC). " + summary(chart, shown, bytes, fmt) + " The figures are in the table under Show data.";
        String emptyText = "No data yet: " + switch (chart.key()) {
            case "restarts" -> "no restarts in " + spanName(range) + ".";
            case "backups" -> "no backup finished in " + spanName(range) + ".";
            case "statuses" -> "no databases in this workspace yet.";
            default -> "Strata samples this every few minutes; the first figure appears after the next sample.";
        };
        return new ChartView(chart.key(), chart.title(), chart.empty(), emptyText, aria, json.toString(), headers, rows);
    }

    private static String spanName(UsageRange range) {
        return range == UsageRange.DAY ? "the last day" : "the last week";
    }

    private static String summary(UsageChart chart, List<UsageChart.Series> shown, boolean bytes, Formats fmt) {
        List<String> parts = new ArrayList<>();
        for (UsageChart.Series s : shown) {
            if (chart.kind() == UsageChart.Kind.BAR) {
                long total = s.values().stream().filter(java.util.Objects::nonNull).mapToLong(Long::longValue).sum();
                parts.add(s.label() + ": " + total + " in total");
            } else {
                Long latest = null;
                for (Long v : s.values()) {
                    latest = v == null ? latest : v;
                }
                parts.add(s.label() + ": " + (latest == null ? "no data" : (bytes ? fmt.bytes(latest) : latest.toString())) + " latest");
            }
        }
        return String.join("; ", parts) + ".";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Shown when the chart is drawn as of {@code now}. */
    static String asOf(Instant now) {
        return FULL.format(now) + " UTC";
    }
}
