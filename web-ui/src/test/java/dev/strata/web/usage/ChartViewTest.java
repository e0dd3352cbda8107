package dev.strata.web.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.provisioning.usage.UsageChart;
import dev.strata.provisioning.usage.UsageRange;
import dev.strata.web.Formats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a chart's canvas, text alternative and data table say for the same figures. */
class ChartViewTest {

    private static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");

    @Test
    void theTableTheCanvasAndItsLabelCarryTheSameFigures() {
        List<Instant> ends = UsageRange.DAY.ends(NOW);
        List<Long> completed = new ArrayList<>(Collections.nCopies(24, 0L));
        completed.set(23, 2L);
        UsageChart chart = new UsageChart("backups", "Backups", UsageChart.Kind.BAR, UsageChart.Unit.COUNT, ends,
                List.of(new UsageChart.Series("Completed", completed), new UsageChart.Series("Failed", Collections.nCopies(24, 0L))));
        ChartView view = ChartView.of(chart, UsageRange.DAY, new Formats());
        assertThat(view.nothingToDraw()).isFalse();
        assertThat(view.headers()).containsExactly("Completed", "Failed");
        assertThat(view.rows()).hasSize(24);
        assertThat(view.rows().get(23)).isEqualTo(new ChartView.Row("2026-12-06 15:00", List.of("2", "0")));
        assertThat(view.ariaLabel()).startsWith("Bar chart of backups over the last day").contains("Completed: 2 in total; Failed: 0 in total");
        assertThat(view.json()).startsWith("{\"kind\":\"bar\",\"unit\":\"count\",\"labels\":[\"16:00\",")
                .contains("{\"label\":\"Completed\",\"style\":0,\"values\":[0,").contains("{\"label\":\"Failed\",\"style\":1,");
    }

    @Test
    void bytesAreShownAsBytesAndUnknownAsNoData() {
        List<Instant> ends = UsageRange.WEEK.ends(NOW);
        List<Long> values = new ArrayList<>(Collections.nCopies(28, (Long) null));
        values.set(27, 3L * 1024 * 1024);
        ChartView view = ChartView.of(new UsageChart("storage", "Storage used", UsageChart.Kind.LINE, UsageChart.Unit.BYTES, ends,
                List.of(new UsageChart.Series("Storage used", values))), UsageRange.WEEK, new Formats());
        assertThat(view.rows().get(0).cells()).containsExactly("no data");
        assertThat(view.rows().get(27).cells()).containsExactly("3.0 MB");
        assertThat(view.json()).contains("\"values\":[null,").contains(",3145728]").contains("\"Sun 15:00\"");
        assertThat(view.ariaLabel()).contains("the last week, in six-hour steps").contains("Storage used: 3.0 MB latest");
    }

    @Test
    void statusesNoDatabaseHadAreLeftOutButKeepTheirStyle() {
        List<Instant> ends = UsageRange.DAY.ends(NOW);
        List<Long> zeros = Collections.nCopies(24, 0L);
        List<Long> ones = Collections.nCopies(24, 1L);
        ChartView view = ChartView.of(new UsageChart("statuses", "Databases by status", UsageChart.Kind.LINE, UsageChart.Unit.COUNT, ends,
                List.of(new UsageChart.Series("provisioning", zeros), new UsageChart.Series("ready", ones),
                        new UsageChart.Series("sleeping", zeros))), UsageRange.DAY, new Formats());
        assertThat(view.headers()).containsExactly("ready");
        assertThat(view.json()).contains("{\"label\":\"ready\",\"style\":1,");
    }

    @Test
    void nothingToDrawSaysNoDataYet() {
        List<Instant> ends = UsageRange.DAY.ends(NOW);
        ChartView view = ChartView.of(new UsageChart("restarts", "Restarts", UsageChart.Kind.BAR, UsageChart.Unit.COUNT, ends,
                List.of(new UsageChart.Series("Restarts", Collections.nCopies(24, 0L)))), UsageRange.DAY, new Formats());
        assertThat(view.nothingToDraw()).isTrue();
        assertThat(view.emptyText()).isEqualTo("No data yet: no restarts in the last day.");
    }
}
