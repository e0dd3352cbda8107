package dev.strata.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.it.Api;
import dev.strata.it.Deployments;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The data protection parts of a database's page and the workspace's backups page in a real Chromium, on
 * PostgreSQL (the engine with point-in-time restore and branches here): the backup timeline with its recovery
 * window, the point-in-time form refusing a moment outside the window next to its input, the confirmation step of
 * in-place restores, branches from a backup and from now shown in the tree on the parent's, the child's and the
 * grandchild's pages, the backups list's GET filters, and that reloading after any of these POSTs repeats nothing
 * (post-redirect-get). Screenshots go to target/screenshots (3x-*).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DataProtectionPagesIT {

    private static final String MOMENT = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private Browser browser;
    private WebDriver web;
    private Api api;
    private String base;

    @BeforeEach
    void startBrowser() {
        browser = Browser.start();
        web = browser.driver();
        api = Api.withBootstrapKey();
        base = "/api/v1/workspaces/" + api.workspaceId() + "/databases";
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @Test
    void timelineRestoreConfirmationsBranchTreeAndNoResubmitOnReload() {
        Api.Reply made = api.post(base, "{\"name\":\"Journal\",\"slug\":\"dp-journal\",\"engine\":\"postgresql\"}");
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        String id = made.text("id");
        String child = null;
        String grandchild = null;
        try {
            browser.open(Api.BASE + "/");
            signIn();
            String page = Api.BASE + "/databases/detail.xhtml?id=" + id;
            browser.open(page);
            browser.await(Duration.ofSeconds(90)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));

            // no backup yet: an empty timeline that says so, no window
            assertThat(markers()).isEmpty();
            assertThat(web.findElement(By.id("timelineSvg")).getAttribute("aria-label")).contains("0 backups");
            assertThat(web.findElement(By.id("timelineWindow")).getText()).startsWith("No point-in-time recovery window");

            // "Back up now" redirects to the page by GET: a reload asks for no second backup
            web.findElement(By.id("backupActions:backUpNow")).click();
            assertThat(browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg-info"))).getText())
                    .contains("Backup bkp_");
            assertThat(web.getCurrentUrl()).as("redirected to the GET address").endsWith("/databases/detail.xhtml?id=" + id);
            assertThat(backupCount(id)).isEqualTo(1);
            web.navigate().refresh();
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("backupList")));
            assertThat(backupCount(id)).as("the reload repeated no POST").isEqualTo(1);
            browser.await(Duration.ofSeconds(120)).until(d -> {
                d.navigate().to(page);
                return d.findElement(By.id("backupList")).getText().contains("completed");
            });

            // the timeline: one marker per backup (a shape with its words), the window as a band with its bounds as text
            assertThat(markers()).hasSize(rows());
            assertThat(markers().get(0).getAttribute("data-status")).isEqualTo("completed");
            assertThat(markers().get(0).findElement(By.tagName("title")).getAttribute("textContent")).contains("completed");
            WebElement svg = web.findElement(By.id("timelineSvg"));
            assertThat(svg.getAttribute("role")).isEqualTo("img");
            assertThat(svg.getAttribute("aria-label")).contains("1 backup (1 completed, 0 failed, 0 in progress)")
                    .contains("Point-in-time recovery window from");
            assertThat(web.findElements(By.cssSelector("#timelineSvg rect.tl-window"))).hasSize(1);
            assertThat(web.findElement(By.id("windowEarliest")).getText()).matches(MOMENT);
            assertThat(web.findElement(By.id("windowLatest")).getText()).matches(MOMENT);
            scrollTo("backupsSection");
            browser.screenshot("40-backup-timeline");

            // a phone: the timeline and both sections fit 360 px without scrolling sideways
            ChromeDriver chrome = (ChromeDriver) web;
            chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 360, "height", 800, "deviceScaleFactor", 1,
                    "mobile", false));
            web.navigate().refresh();
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("timelineSvg")));
            JavascriptExecutor js = (JavascriptExecutor) web;
            assertThat(((Number) js.executeScript("return window.innerWidth")).intValue()).isEqualTo(360);
            assertThat(((Number) js.executeScript("return document.getElementById('timelineSvg').getBoundingClientRect().right")).doubleValue())
                    .isLessThanOrEqualTo(((Number) js.executeScript("return document.documentElement.clientWidth")).doubleValue());
            for (String section : List.of("backupsSection", "branchesSection")) {
                // what sticks out of the viewport, leaving out what scrolls inside a box of its own (the tables)
                Object wide = js.executeScript("var w = document.documentElement.clientWidth, out = [];"
                        + " document.getElementById(arguments[0]).querySelectorAll('*').forEach(function (e) {"
                        + "   for (var p = e.parentElement; p; p = p.parentElement) { if (getComputedStyle(p).overflowX === 'auto') return; }"
                        + "   var r = e.getBoundingClientRect().right; if (r > w + 0.5) out.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + r); });"
                        + " return out.join('; ');", section);
                assertThat((String) wide).as(section + " at 360 px").isEmpty();
            }
            scrollTo("backupsSection");
            browser.screenshot("41-backup-timeline-360px");
            chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());

            // a moment outside the window (past the browser's own check): refused next to the input, nothing changes
            browser.open(page);
            WebElement moment = browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("pitr:restorePoint")));
            String earliest = moment.getAttribute("min");
            js.executeScript("document.getElementById('pitr:restorePoint').value = '2000-01-01T00:00:00';"
                    + " document.getElementById('pitr').noValidate = true;");
            web.findElement(By.id("pitr:reviewRestore")).click();
            WebElement refusal = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("pitr:restorePointError")));
            assertThat(refusal.getText()).contains("outside the recovery window").contains("which is " + earliest + "Z to ");
            moment = web.findElement(By.id("pitr:restorePoint"));
            assertThat(moment.getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(moment.getAttribute("aria-describedby")).contains("pitr:restorePointError");
            assertThat(web.findElements(By.id("pitrConfirm"))).isEmpty();
            assertThat(web.findElement(By.id("status")).getText()).isEqualTo("ready");
            assertThat(backupCount(id)).as("no safety backup for a refused restore").isEqualTo(1);
            scrollTo("branchesSection");
            browser.screenshot("42-pitr-refused");

            // a moment inside: a confirmation page of its own (an address), which says what happens; cancel changes nothing
            js.executeScript("document.getElementById('pitr:restorePoint').value = arguments[0];",
                    web.findElement(By.id("pitr:restorePoint")).getAttribute("max"));
            web.findElement(By.id("pitr:reviewRestore")).click();
            WebElement confirm = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("pitrConfirm")));
            assertThat(web.getCurrentUrl()).contains("restoreAt=");
            assertThat(confirm.getText()).contains("stopped").contains("A safety backup is taken first");
            assertThat(web.findElement(By.id("confirmPitr:confirm")).getAttribute("value")).isEqualTo("Stop and restore");
            web.navigate().refresh();
            browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("pitrConfirm")));
            browser.screenshot("43-pitr-confirm");
            web.findElement(By.id("cancelPitr")).click();
            browser.await().until(ExpectedConditions.invisibilityOfElementLocated(By.id("pitrConfirm")));
            assertThat(web.findElement(By.id("status")).getText()).isEqualTo("ready");
            assertThat(backupCount(id)).isEqualTo(1);

            // a branch from the backup: the child's page; a reload there makes no second branch
            web.findElement(By.id("branch:branchName")).sendKeys("Journal from backup");
            web.findElement(By.id("branch:branchSlug")).sendKeys("dp-journal-from-backup");
            web.findElement(By.cssSelector("input[name='branch:branchFrom'][value='backup']")).click();
            Select backup = new Select(web.findElement(By.id("branch:branchBackup")));
            backup.selectByIndex(1);
            web.findElement(By.id("branch:makeBranch")).click();
            browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Journal from backup"));
            child = web.getCurrentUrl().replaceAll(".*id=", "");
            web.navigate().refresh();
            browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Journal from backup"));
            assertThat(branchCount(id)).as("the reload made no second branch").isEqualTo(1);
            browser.await(Duration.ofSeconds(180)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            assertThat(web.findElement(By.id("branchNote")).getText()).contains("made from its backup bkp_");

            // a branch of the branch, from now
            web.findElement(By.id("branch:branchName")).sendKeys("Journal grandchild");
            web.findElement(By.id("branch:branchSlug")).sendKeys("dp-journal-grandchild");
            web.findElement(By.id("branch:makeBranch")).click();
            browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Journal grandchild"));
            grandchild = web.getCurrentUrl().replaceAll(".*id=", "");
            browser.await(Duration.ofSeconds(120)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));

            // the whole tree on each page, nested, the page's own database marked, the others links with status and branch point
            for (String at : List.of(grandchild, child, id)) {
                browser.open(Api.BASE + "/databases/detail.xhtml?id=" + at);
                WebElement nested = browser.await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                        "#branchTree > li[data-id='" + id + "'] > ul > li[data-id='" + child + "'] > ul > li[data-id='" + grandchild + "']")));
                assertThat(nested.getText()).contains("Journal grandchild").contains("ready").containsPattern("branched at " + MOMENT);
                assertThat(web.findElement(By.cssSelector("#branchTree [aria-current='page']")).getText())
                        .isEqualTo(at.equals(id) ? "Journal" : at.equals(child) ? "Journal from backup" : "Journal grandchild");
                for (String other : List.of(id, child, grandchild)) {
                    if (!other.equals(at)) {
                        assertThat(web.findElement(By.cssSelector("#branchTree li[data-id='" + other + "'] > a")).getAttribute("href"))
                                .endsWith("/databases/detail.xhtml?id=" + other);
                    }
                }
                scrollTo("branchesSection");
                browser.screenshot(at.equals(id) ? "44-branch-tree-root" : at.equals(child) ? "45-branch-tree-child" : "46-branch-tree-grandchild");
            }
            assertThat(web.findElement(By.cssSelector("#branchTree li[data-id='" + child + "']")).getText()).contains("Journal from backup")
                    .contains("ready").containsPattern("branched at " + MOMENT);

            // an in-place restore of a backup asks first (an address of its own); only "Stop and restore" restores
            long before = backupCount(id);
            web.findElement(By.cssSelector("a[data-restore]")).click();
            confirm = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("restoreConfirm")));
            assertThat(confirm.getText()).contains("stopped").contains("A safety backup is taken first");
            assertThat(web.findElement(By.id("status")).getText()).isEqualTo("ready");
            assertThat(backupCount(id)).isEqualTo(before);
            browser.screenshot("47-restore-confirm");
            web.findElement(By.id("confirmRestore:confirm")).click();
            assertThat(browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg-info"))).getText())
                    .contains("Restoring").contains("a safety backup is taken first");
            assertThat(web.getCurrentUrl()).as("redirected to the GET address").endsWith("/databases/detail.xhtml?id=" + id);
            assertThat(backupCount(id)).as("the safety backup").isEqualTo(before + 1);
            web.navigate().refresh();
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("backupList")));
            assertThat(backupCount(id)).as("the reload restored nothing again").isEqualTo(before + 1);
            browser.await(Duration.ofSeconds(180)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            browser.open(page);
            assertThat(markers()).hasSize(rows()).hasSize((int) backupCount(id));

            // the workspace's backups: filters are GET parameters, each backup links its database
            web.findElement(By.linkText("Backups")).click();
            new Select(browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("filterDatabase")))).selectByValue(id);
            new Select(web.findElement(By.id("filterStatus"))).selectByValue("completed");
            web.findElement(By.id("applyFilters")).click();
            browser.await().until(ExpectedConditions.urlContains("database=" + id));
            assertThat(web.getCurrentUrl()).contains("status=completed");
            List<WebElement> links = web.findElements(By.cssSelector("#workspaceBackups a[data-database]"));
            assertThat(links).isNotEmpty().allSatisfy(a -> assertThat(a.getAttribute("href")).endsWith("/databases/detail.xhtml?id=" + id));
            assertThat(web.findElements(By.cssSelector("#workspaceBackups tbody tr"))).hasSize((int) backupCount(id))
                    .allSatisfy(tr -> assertThat(tr.getText()).contains("completed"));
            String bookmark = web.getCurrentUrl();
            web.navigate().refresh();
            assertThat(new Select(web.findElement(By.id("filterStatus"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("completed");
            browser.screenshot("48-backups-filtered");
            // a bad filter typed into the address: a message, an empty list, no error page
            browser.open(bookmark.replace("status=completed", "status=bogus"));
            assertThat(browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg-error"))).getText())
                    .contains("status must be one of");
            assertThat(web.findElement(By.id("noBackups")).getText()).isEqualTo("No backups match.");
        } finally {
            for (String db : new String[] {grandchild, child, id}) {
                if (db != null) {
                    api.delete(base + "/" + db);
                }
            }
        }
    }

    private List<WebElement> markers() {
        return web.findElements(By.cssSelector("#timelineSvg .tl-backup"));
    }

    private int rows() {
        return web.findElements(By.cssSelector("#backupList tbody tr")).size();
    }

    private long backupCount(String db) {
        Api.Reply r = api.get(base + "/" + db + "/backups");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.json().path("meta").path("total").asLong();
    }

    private int branchCount(String db) {
        return api.get(base + "/" + db + "/branches").json().path("data").size();
    }

    private void scrollTo(String id) {
        ((JavascriptExecutor) web).executeScript("document.getElementById(arguments[0]).scrollIntoView()", id);
    }

    private void signIn() {
        browser.await().until(ExpectedConditions.urlContains("/login.xhtml"));
        browser.signInAsAdmin();
        browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("total")));
    }
}
