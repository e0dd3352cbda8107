package dev.strata.web.usage;

import dev.strata.domain.shared.NotFoundException;
import dev.strata.provisioning.usage.UsageHistory;
import dev.strata.provisioning.usage.UsageRange;
import dev.strata.web.Formats;
import dev.strata.web.security.CurrentUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Backs the usage chart includes ({@code databases/_charts.xhtml}, {@code projects/_charts.xhtml},
 * {@code _statusChart.xhtml}): reads {@code ?range=day|week} (GET links, so a view can be bookmarked; the database or
 * project is the page's own view parameter) and answers each chart once per request.
 */
@Named("usageCharts")
@RequestScoped
public class UsageChartsBacking {

    @Inject
    UsageHistory history;

    @Inject
    CurrentUser user;

    @Inject
    Formats fmt;

    private UsageRange range;
    private String rangeMessage;
    private List<ChartView> databaseCharts;
    private ChartView projectChart;
    private ChartView statusChart;
    private final Instant now = Instant.now();

    private String param(String name) {
        return FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get(name);
    }

    /** {@code id=<id>&} for the range links, or nothing on a page about no one thing (the overview). */
    public String idQuery(String id) {
        return id == null || id.isEmpty() ? "" : "id=" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "&";
    }

    /** The range asked for; the last day when none or an unknown one was asked for (then {@link #getRangeMessage()} says so). */
    public UsageRange getRange() {
        if (range == null) {
            String asked = param("range");
            Optional<UsageRange> parsed = UsageRange.parse(asked);
            range = parsed.orElse(UsageRange.DAY);
            if (parsed.isEmpty() && asked != null) {
                rangeMessage = "range must be day or week (got \"" + (asked.length() > 40 ? asked.substring(0, 40) + "…" : asked)
                        + "\"): showing the last day.";
            }
        }
        return range;
    }

    public String getRangeMessage() {
        getRange();
        return rangeMessage;
    }

    public boolean isWeek() {
        return getRange() == UsageRange.WEEK;
    }

    public String getAsOf() {
        return ChartView.asOf(now);
    }

    /** The charts of database {@code id} (the page's view parameter, kept across its form posts). */
    public List<ChartView> databaseCharts(String id) {
        if (id == null || id.isBlank()) {
            return List.of(); // the include requested on its own: no database
        }
        if (databaseCharts == null) {
            try {
                databaseCharts = history.ofDatabase(user.caller(), user.getWorkspaceId(), id, getRange(), now).stream()
                        .map(c -> ChartView.of(c, getRange(), fmt)).toList();
            } catch (NotFoundException e) {
                databaseCharts = List.of();
            }
        }
        return databaseCharts;
    }

    /** The object storage chart of project {@code id}; null when there is no such project. */
    public ChartView projectChart(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        if (projectChart == null) {
            try {
                projectChart = ChartView.of(history.ofProject(user.caller(), id, getRange(), now), getRange(), fmt);
            } catch (NotFoundException e) {
                return null;
            }
        }
        return projectChart;
    }

    public ChartView getStatusChart() {
        if (statusChart == null) {
            statusChart = ChartView.of(history.statusOverTime(user.caller(), getRange(), now), getRange(), fmt);
        }
        return statusChart;
    }
}
