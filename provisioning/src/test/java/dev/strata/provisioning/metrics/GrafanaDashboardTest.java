package dev.strata.provisioning.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The example dashboard in deploy/grafana queries only series Strata serves, and every Strata series has a panel. */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "strata-dashboard.json");
    private static final Pattern EXPR = Pattern.compile("\"(?:expr|query|definition)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SERIES = Pattern.compile("\\b((?:strata|jvm|process)_[a-z_]+)\\b");
    private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-z_]+)[{ ]", Pattern.MULTILINE);

    private static String served() throws Exception {
        ScrapeFigures figures = new ScrapeFigures() {
            @Override
            public List<DatabaseCount> databaseCounts() {
                return List.of(new DatabaseCount("redis", "ready", 1));
            }

            @Override
            public List<BackupOutcome> backupOutcomes() {
                return List.of(new BackupOutcome("db_a", "redis", Instant.now(), null));
            }

            @Override
            public Map<String, ObjectStorage> objectStorage() {
                return Map.of("proj_a", new ObjectStorage(1, 1));
            }
        };
        StrataSeries series = new StrataSeries(new PrometheusRegistry(), figures, Clock.systemUTC(), true);
        series.reconcilePass(Duration.ofMillis(1));
        series.reconcileFailure("redis");
        series.databaseRestarted("db_a", "redis");
        series.httpRequest("/api/v1/projects", "GET", 200, Duration.ofMillis(1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        series.write(null, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyQueriedSeriesIsServedAndEveryStrataSeriesIsShown() throws Exception {
        assertThat(DASHBOARD).as("dashboard (relative to %s)", Path.of("").toAbsolutePath()).isRegularFile();
        String json = Files.readString(DASHBOARD);
        Set<String> queried = new TreeSet<>();
        Matcher e = EXPR.matcher(json);
        while (e.find()) {
            Matcher s = SERIES.matcher(e.group(1));
            while (s.find()) {
                queried.add(s.group(1));
            }
        }
        String text = served();
        Set<String> samples = new TreeSet<>();
        Matcher m = SAMPLE_NAME.matcher(text);
        while (m.find()) {
            samples.add(m.group(1));
        }
        assertThat(queried).isNotEmpty();
        assertThat(samples).containsAll(queried);
        Set<String> strata = new TreeSet<>();
        for (String s : samples) {
            if (s.startsWith("strata_")) {
                strata.add(s.replaceAll("_(bucket|count|sum|created)$", ""));
            }
        }
        Set<String> shown = new TreeSet<>();
        for (String q : queried) {
            shown.add(q.replaceAll("_(bucket|count|sum|created)$", ""));
        }
        assertThat(shown).containsAll(strata);
    }
}
