package dev.strata.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.it.Api;
import dev.strata.it.Deployments;
import dev.strata.it.Host;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The usage charts in a real headless Chromium against the deployed EAR (the usage history sampled every 10 s there):
 * a Redis database's page says "No data yet" for restarts until its server is killed (then counts the restart), draws
 * storage, connections and backups (after a manual backup the table counts it), switches to the week with a link, refuses an unknown range with a message; the
 * project page draws its object storage; the overview draws the databases by status with the counts the API gives;
 * no chart page scrolls sideways at 360 px. Screenshots land in target/screenshots.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChartsIT {


    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private Browser browser;
    private WebDriver web;

    @BeforeEach
    void startBrowser() {
        browser = Browser.start();
        web = browser.driver();
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @Test
    void databaseProjectAndOverviewChartsAreDrawnWithTheirFigures() {
        Api api = Api.withBootstrapKey();
        String ws = api.workspaceId();
        Api.Reply project = api.post("/api/v1/projects", "{\"name\":\"Charts\"}");
        assertThat(project.status()).as(project.raw()).isEqualTo(201);
        String projectId = project.text("id");
        try {
            Api.Reply made = api.post("/api/v1/databases", "{\"projectId\":\"" + projectId + "\",\"name\":\"Cache\",\"engine\":\"redis\"}");
            assertThat(made.status()).as(made.raw()).isEqualTo(201);
            String id = made.text("id");
            Api.Reply bucket = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + projectId + "\",\"name\":\"charts-"
                    + Long.toString(System.nanoTime() % 1_000_000, 36) + "\"}");
            assertThat(bucket.status()).as(bucket.raw()).isEqualTo(201);

            browser.open(Api.BASE + "/");
            signIn();
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("total")));
            String page = Api.BASE + "/databases/detail.xhtml?id=" + id;
            browser.open(page);
            browser.await(Duration.ofSeconds(90)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            assertThat(web.findElement(By.id("empty-restarts")).getText()).contains("No data yet").contains("no restarts in the last day");

            // a manual backup, finished
            Api.Reply requested = api.post("/api/v1/workspaces/" + ws + "/databases/" + id + "/backups", "");
            assertThat(requested.status()).as(requested.raw()).isEqualTo(202);
            String backupPath = "/api/v1/workspaces/" + ws + "/backups/" + requested.text("id");
            browser.await(Duration.ofSeconds(120)).until(d -> "completed".equals(api.get(backupPath).text("status")));

            // a server that dies is restarted by the health check: the restart is counted
            long pid = Host.serverProcesses(id).get(0);
            Host.kill9(pid);
            browser.await(Duration.ofSeconds(60)).until(d -> {
                d.navigate().to(page);
                return !d.findElements(By.id("canvas-restarts")).isEmpty();
            });

            // the connections are sampled (every 10 s here): reload until the first sample is drawn
            browser.await(Duration.ofSeconds(60)).until(d -> {
                d.navigate().to(page);
                return !d.findElements(By.id("canvas-connections")).isEmpty();
            });
            for (String chart : List.of("storage", "connections", "restarts", "backups")) {
                assertDrawn("canvas-" + chart);
            }
            assertThat(column("table-backups", "Completed")).as(outerHtml("chart-backups")).hasSize(24).containsOnly("0", "1").filteredOn("1"::equals).hasSize(1);
            assertThat(column("table-backups", "Failed")).containsOnly("0");
            assertThat(column("table-restarts", "Restarts")).hasSize(24).containsOnly("0", "1").filteredOn("1"::equals).hasSize(1);
            assertThat(web.findElement(By.id("canvas-backups")).getAttribute("aria-label"))
                    .contains("Bar chart of backups over the last day").contains("Completed: 1 in total");
            assertThat(web.findElement(By.id("range-day")).getAttribute("aria-current")).isEqualTo("page");
            showUsage();
            browser.screenshot("charts-database-day");

            // the week: a link (GET, bookmarkable), 28 six-hour steps, the same backup
            web.findElement(By.id("range-week")).click();
            browser.await().until(ExpectedConditions.urlContains("range=week"));
            browser.await().until(ExpectedConditions.attributeToBe(By.id("range-week"), "aria-current", "page"));
            assertDrawn("canvas-backups");
            assertThat(column("table-backups", "Completed")).hasSize(28).filteredOn("1"::equals).hasSize(1);
            showUsage();
            browser.screenshot("charts-database-week");

            // an unknown range: said so, the day shown
            browser.open(page + "&range=month");
            assertThat(web.findElement(By.id("rangeMessage")).getText()).contains("range must be day or week").contains("month");
            assertThat(column("table-backups", "Completed")).as(outerHtml("chart-backups")).hasSize(24);

            // on a phone: nothing wider than the screen
            web.manage().window().setSize(new Dimension(360, 800));
            browser.open(page);
            assertDrawn("canvas-storage");
            assertNoSidewaysScroll();
            showUsage();
            browser.screenshot("charts-database-360");
            web.manage().window().setSize(new Dimension(1366, 900));

            // the project's object storage: its bucket is measured at the next sample
            String projectPage = Api.BASE + "/projects/detail.xhtml?id=" + projectId;
            browser.await(Duration.ofSeconds(60)).until(d -> {
                d.navigate().to(projectPage);
                return !d.findElements(By.id("canvas-objectStorage")).isEmpty();
            });
            assertDrawn("canvas-objectStorage");
            assertThat(column("table-objectStorage", "Object storage used")).last().isEqualTo("0 B");
            showUsage();
            browser.screenshot("charts-project");

            // the overview: databases by status, the last point counted now, as the API counts them
            browser.open(Api.BASE + "/");
            assertDrawn("canvas-statuses");
            long ready = api.get("/api/v1/workspaces/" + ws + "/databases?status=ready&limit=1").json().path("meta").path("total").asLong();
            assertThat(ready).isGreaterThanOrEqualTo(1);
            browser.await(Duration.ofSeconds(30)).until(d -> {
                d.navigate().to(Api.BASE + "/");
                List<String> readyColumn = column("table-statuses", "ready");
                return !readyColumn.isEmpty() && readyColumn.get(readyColumn.size() - 1).equals(Long.toString(ready));
            });
            ((JavascriptExecutor) web).executeScript("document.getElementById('statuses').scrollIntoView()");
            browser.screenshot("charts-overview");
            web.manage().window().setSize(new Dimension(360, 800));
            browser.open(Api.BASE + "/?range=week");
            assertDrawn("canvas-statuses");
            assertNoSidewaysScroll();
            browser.screenshot("charts-overview-360");
        } finally {
            api.delete("/api/v1/projects/" + projectId);
        }
    }

    /** The canvas has a size and Chart.js drew a chart into it. */
    private void assertDrawn(String canvasId) {
        WebElement canvas = browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id(canvasId)));
        browser.await().until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "var c = document.getElementById(arguments[0]); return !!(window.Chart && c && Chart.getChart(c));", canvasId)));
        assertThat(canvas.getSize().getWidth()).as(canvasId + " width").isGreaterThan(0);
        assertThat(canvas.getSize().getHeight()).as(canvasId + " height").isGreaterThan(0);
        assertThat(canvas.getAttribute("role")).isEqualTo("img");
        assertThat(canvas.getAttribute("aria-label")).isNotBlank();
    }

    /** The cells of a column of a chart's data table (closed under "Show data": read as text content), oldest first. */
    @SuppressWarnings("unchecked")
    private List<String> column(String tableId, String header) {
        Object cells = ((JavascriptExecutor) web).executeScript(
                "var t = document.getElementById(arguments[0]); if (!t) return [];"
                        + " var hs = Array.prototype.map.call(t.tHead.rows[0].cells, function (c) { return c.textContent.trim(); });"
                        + " var k = hs.indexOf(arguments[1]); if (k < 0) return [];"
                        + " return Array.prototype.map.call(t.tBodies[0].rows, function (r) { return r.cells[k].textContent.trim(); });",
                tableId, header);
        return (List<String>) cells;
    }

    /**
     * The chart sections are no wider than the screen (the rest of a page is another test's business): each section
     * fits its own box and every chart fits the viewport.
     */
    @SuppressWarnings("unchecked")
    private void assertNoSidewaysScroll() {
        Map<String, Object> widths = (Map<String, Object>) ((JavascriptExecutor) web).executeScript(
                "var s = document.querySelector('section.usage'); var widest = 0;"
                        + " document.querySelectorAll('section.usage .chart').forEach(function (c) { widest = Math.max(widest, c.getBoundingClientRect().right); });"
                        + " return {section: s.scrollWidth, box: s.clientWidth, right: Math.ceil(widest), viewport: window.innerWidth};");
        assertThat(((Number) widths.get("section")).longValue()).as("chart section at 360 px " + widths)
                .isLessThanOrEqualTo(((Number) widths.get("box")).longValue());
        assertThat(((Number) widths.get("right")).longValue()).as("charts at 360 px " + widths)
                .isLessThanOrEqualTo(((Number) widths.get("viewport")).longValue());
    }

    private String outerHtml(String id) {
        return String.valueOf(((JavascriptExecutor) web).executeScript(
                "var e = document.getElementById(arguments[0]); return e ? e.outerHTML : 'no element ' + arguments[0];", id));
    }

    private void showUsage() {
        ((JavascriptExecutor) web).executeScript("var u = document.getElementById('usage'); if (u) u.scrollIntoView();");
    }

    private void signIn() {
        browser.await().until(ExpectedConditions.urlContains("/login.xhtml"));
        browser.signInAsAdmin();
    }
}
