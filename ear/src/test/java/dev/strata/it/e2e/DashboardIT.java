package dev.strata.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.it.Api;
import dev.strata.it.Deployments;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium against the deployed EAR: sign in, create a project and a PostgreSQL
 * database, watch it become ready without reloading, reveal its URI, resize (and see the shrink refusal), create a
 * bucket, sleep and wake the project, manage API keys, delete everything, sign out. A screenshot of every main page
 * lands in target/screenshots.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DashboardIT {

    private static final String ADMIN_PASSWORD = System.getProperty("it.admin.password");

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
    void wrongPasswordIsRefusedWithAMessage() {
        browser.open(Api.BASE + "/");
        browser.await().until(ExpectedConditions.urlContains("/login.xhtml"));
        signIn("admin", "not-the-password");
        WebElement error = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg-error")));
        assertThat(error.getText()).contains("Wrong username or password");
        browser.open(Api.BASE + "/databases/");
        // still not signed in: the sign-in form, not the databases
        assertThat(web.findElements(By.id("login:username"))).hasSize(1);
        assertThat(web.findElements(By.id("databases"))).isEmpty();
    }

    @Test
    void theWholeFlow() {
        browser.open(Api.BASE + "/");
        browser.await().until(ExpectedConditions.urlContains("/login.xhtml"));
        browser.screenshot("01-sign-in");
        signIn("admin", ADMIN_PASSWORD);
        browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("total")));
        assertThat(web.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");

        // a project
        web.findElement(By.linkText("Projects")).click();
        web.findElement(By.id("create:name")).sendKeys("Web shop");
        web.findElement(By.id("create:submit")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("projectName"), "Web shop"));
        String projectUrl = web.getCurrentUrl();

        // its PostgreSQL database becomes ready while we watch, no reload
        new Select(web.findElement(By.id("addDatabase:engine"))).selectByValue("postgresql");
        web.findElement(By.id("addDatabase:submit")).click();
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("projectDatabases"), "Web shop postgresql"));
        Object marker = ((org.openqa.selenium.JavascriptExecutor) web).executeScript("return window.__sameDocument = 'yes'");
        browser.await(Duration.ofSeconds(90)).until(d -> d.findElement(By.id("projectDatabases")).getText().contains("ready"));
        assertThat(((org.openqa.selenium.JavascriptExecutor) web).executeScript("return window.__sameDocument")).isEqualTo(marker);

        // bucket
        web.findElement(By.id("addBucket:bucketName")).sendKeys("uploads");
        web.findElement(By.id("addBucket:submit")).click();
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("projectBuckets"), "uploads"));
        assertThat(web.findElement(By.id("environment")).getText()).contains("DATABASE_URL").contains("STORAGE_BUCKET").contains("uploads");
        assertThat(web.findElement(By.id("env-STORAGE_SECRET")).getText()).isEqualTo("••••••••");
        // the only database is the primary: marked, and every database URL masked (DATABASE_URL and its <SLUG>_URL)
        assertThat(web.findElement(By.id("projectDatabases")).getText()).contains("primary · DATABASE_URL");
        assertThat(web.findElement(By.id("env-DATABASE_URL")).getText()).isEqualTo("••••••••");
        assertThat(web.findElements(By.cssSelector("#environment code.secret[id$='_URL']"))).hasSizeGreaterThanOrEqualTo(2);
        // TLS on (the default): the CA certificate is a variable, not a secret, and a download
        assertThat(web.findElement(By.id("env-DATABASE_CA_CERT")).getText()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(web.findElement(By.id("downloadCa")).getAttribute("href")).endsWith("/ca.pem");
        browser.screenshot("04-project");

        // the database page: reveal the URI, then resize
        web.findElement(By.linkText("Web shop postgresql")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("status"), "ready"));
        String databaseUrl = web.getCurrentUrl();
        assertThat(web.findElement(By.id("uri")).getText()).contains("••••••••");
        web.findElement(By.id("revealUri")).click();
        // fetched from the server on the click (the page does not carry it)
        browser.await().until(d -> !d.findElement(By.id("uri")).getText().contains("••••"));
        assertThat(web.findElement(By.id("uri")).getText()).startsWith("postgresql://").doesNotContain("••••");
        web.findElement(By.id("copyUri")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("copyUri"), "Copied"));
        assertThat(web.findElement(By.id("downloadCa")).getText()).isEqualTo("Download CA certificate");
        assertThat(web.findElement(By.id("downloadCa")).getAttribute("href")).endsWith("/ca.pem");
        browser.screenshot("05-database");

        WebElement storage = web.findElement(By.id("resize:storageGb"));
        storage.clear();
        storage.sendKeys("5");
        web.findElement(By.id("resize:apply")).click();
        WebElement refusal = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#resize .field-error")));
        assertThat(refusal.getText()).contains("can only grow").contains("10 GB");
        browser.screenshot("06-resize-refused");
        storage = web.findElement(By.id("resize:storageGb"));
        storage.clear();
        storage.sendKeys("20");
        WebElement memory = web.findElement(By.id("resize:memory"));
        memory.clear();
        memory.sendKeys("1Gi");
        web.findElement(By.id("resize:apply")).click();
        browser.await(Duration.ofSeconds(90)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
        assertThat(web.findElement(By.id("live:facts")).getText()).contains("1Gi").contains("20 GB");
        // what happened to it, from the event log: on its page and in the overview's recent activity
        web.navigate().to(databaseUrl);
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("activitySection"), "database.resized"));
        assertThat(web.findElement(By.id("activitySection")).getText()).contains("database.created").contains("database.status_changed")
                .contains("Web shop postgresql");
        web.navigate().to(Api.BASE + "/");
        assertThat(web.findElement(By.tagName("main")).getText()).contains("Recent activity").contains("database.resized");

        // idle sleep: a bad value is refused next to the field, a good one saved
        web.navigate().to(projectUrl);
        assertThat(web.findElement(By.id("idleHelp")).getText()).contains("never sleeps by itself");
        WebElement idle = web.findElement(By.id("idle:autoSleepMinutes"));
        idle.clear();
        idle.sendKeys("99999");
        web.findElement(By.id("idle:save")).click();
        WebElement idleRefusal = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#idle .field-error")));
        assertThat(idleRefusal.getText()).contains("0 (never) to 10080");
        assertThat(web.findElement(By.id("idleHelp")).getText()).contains("never sleeps by itself");
        idle = web.findElement(By.id("idle:autoSleepMinutes"));
        idle.clear();
        idle.sendKeys("240");
        web.findElement(By.id("idle:save")).click();
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("idleHelp"), "sleeps after 240 idle minute(s)"));
        idle = web.findElement(By.id("idle:autoSleepMinutes"));
        idle.clear();
        idle.sendKeys("0");
        web.findElement(By.id("idle:save")).click();
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("idleHelp"), "never sleeps by itself"));

        // sleep and wake the project
        web.navigate().to(projectUrl);
        web.findElement(By.id("lifecycle:sleep")).click();
        web.switchTo().alert().accept();
        browser.await().until(ExpectedConditions.textToBe(By.id("projectStatus"), "sleeping"));
        browser.screenshot("11-project-sleeping");
        browser.await(Duration.ofSeconds(60)).until(d -> {
            d.navigate().to(projectUrl);
            return d.findElement(By.id("projectDatabases")).getText().contains("sleeping");
        });
        web.findElement(By.id("lifecycle:wake")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("projectStatus"), "active"));
        browser.await(Duration.ofSeconds(60)).until(d -> {
            d.navigate().to(projectUrl);
            return d.findElement(By.id("projectDatabases")).getText().contains("ready");
        });

        // the create form: engines and versions from this host, inline validation, then a Redis database
        web.findElement(By.linkText("Databases")).click();
        web.findElement(By.id("newDatabase")).click();
        web.findElement(By.id("create:name")).sendKeys("Session cache");
        assertThat(web.findElement(By.id("create:slug")).getAttribute("value")).isEqualTo("session-cache");
        new Select(web.findElement(By.id("create:engine"))).selectByValue("redis");
        browser.await()
                .until(d -> !new Select(d.findElement(By.id("create:version"))).getOptions().isEmpty());
        WebElement mem = web.findElement(By.id("create:memory"));
        mem.clear();
        mem.sendKeys("lots");
        web.findElement(By.id("create:submit")).click();
        WebElement memError = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#create .field-error")));
        assertThat(memError.getText()).contains("memory must be a Kubernetes memory quantity");
        browser.screenshot("10-create-form-error");
        mem = web.findElement(By.id("create:memory"));
        mem.clear();
        mem.sendKeys("128Mi");
        web.findElement(By.id("create:submit")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Session cache"));
        browser.await(Duration.ofSeconds(60)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
        assertThat(web.findElement(By.id("uri")).getText()).startsWith("redis://");
        assertThat(web.findElement(By.id("tlsUri")).getText()).startsWith("rediss://").contains("••••••••");
        web.findElement(By.id("lifecycle:delete")).click();
        web.switchTo().alert().accept();
        browser.await().until(ExpectedConditions.urlContains("/databases/index.xhtml"));

        // the other main pages
        web.findElement(By.linkText("Databases")).click();
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("databases"), "Web shop postgresql"));
        browser.screenshot("03-databases");
        web.findElement(By.linkText("Buckets")).click();
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("buckets"), "uploads"));
        assertThat(web.findElement(By.id("endpoint")).getText()).startsWith("http://");
        browser.screenshot("07-buckets");
        web.findElement(By.linkText("API keys")).click();
        web.findElement(By.id("create:name")).sendKeys("ci");
        web.findElement(By.id("create:submit")).click();
        String newKey = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("newKey"))).getText();
        assertThat(newKey).startsWith("strata_sk_");
        assertThat(new Api(newKey).get("/api/v1/workspaces").status()).isEqualTo(200);
        browser.screenshot("08-api-keys");
        WebElement row = web.findElement(By.xpath("//table[@id='apiKeys']//tr[td[1][text()='ci']]"));
        row.findElement(By.cssSelector("input[value='Revoke']")).click();
        web.switchTo().alert().accept();
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("apiKeys"), "revoked"));
        assertThat(new Api(newKey).get("/api/v1/workspaces").status()).isEqualTo(401);
        web.findElement(By.linkText("Overview")).click();
        browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("total")));
        browser.screenshot("02-overview");

        // delete everything: the project takes its database and bucket with it
        web.navigate().to(projectUrl);
        web.findElement(By.id("lifecycle:delete")).click();
        web.switchTo().alert().accept();
        browser.await().until(ExpectedConditions.urlContains("/projects/index.xhtml"));
        assertThat(web.findElement(By.id("projects")).getText()).doesNotContain("Web shop");
        browser.screenshot("09-projects");
        web.navigate().to(Api.BASE + "/databases/");
        browser.await(Duration.ofSeconds(60)).until(d -> {
            d.navigate().refresh();
            return !d.findElement(By.id("databases")).getText().contains("Web shop postgresql");
        });

        // a page that does not exist gets its own page
        web.navigate().to(Api.BASE + "/no-such-page.xhtml");
        assertThat(web.findElement(By.tagName("h1")).getText()).isEqualTo("Page not found");

        web.navigate().to(Api.BASE + "/");
        browser.await().until(ExpectedConditions.elementToBeClickable(By.id("signout:signOut"))).click();
        // a loaded CI machine (backups and restores of other tests running) has taken more than 10 s to answer
        // the sign-out POST; the page it shows in the meantime is in the message if it never arrives
        try {
            browser.await(Duration.ofSeconds(60)).until(ExpectedConditions.urlContains("/login.xhtml"));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("sign-out did not reach the login page; at " + web.getCurrentUrl() + ": "
                    + web.findElement(By.tagName("body")).getText(), e);
        }
        assertThat(web.getPageSource()).contains("You are signed out");
    }

    @Test
    void backupsSectionBacksUpChecksThePolicyAndRestoresIntoANewDatabase() {
        Api api = Api.withBootstrapKey();
        String base = "/api/v1/workspaces/" + api.workspaceId() + "/databases";
        Api.Reply made = api.post(base, "{\"name\":\"Ledger\",\"slug\":\"ui-ledger\",\"engine\":\"postgresql\"}");
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        String id = made.text("id");
        String copy = null;
        try {
            browser.open(Api.BASE + "/");
            signIn("admin", ADMIN_PASSWORD);
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("total")));
            String page = Api.BASE + "/databases/detail.xhtml?id=" + id;
            browser.open(page);
            browser.await(Duration.ofSeconds(90)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            assertThat(web.findElement(By.id("backupsSection")).getText()).contains("No backups yet");

            web.findElement(By.id("backupActions:backUpNow")).click();
            assertThat(browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg-info"))).getText())
                    .contains("Backup bkp_");
            browser.await(Duration.ofSeconds(120)).until(d -> {
                d.navigate().to(page);
                return d.findElement(By.id("backupList")).getText().contains("completed");
            });
            assertThat(web.findElement(By.id("backupList")).getText()).contains("manual");
            browser.screenshot("20-backups");

            // the policy form: a bad schedule is refused next to its field, a good one saved
            WebElement schedule = web.findElement(By.id("policy:schedule"));
            assertThat(schedule.getAttribute("value")).isEqualTo("0 3 * * *");
            schedule.clear();
            schedule.sendKeys("61 * * * *");
            web.findElement(By.id("policy:savePolicy")).click();
            WebElement refusal = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#policy .field-error")));
            assertThat(refusal.getText()).contains("schedule");
            schedule = web.findElement(By.id("policy:schedule"));
            schedule.clear();
            schedule.sendKeys("15 4 * * *");
            web.findElement(By.id("policy:savePolicy")).click();
            assertThat(browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg-info"))).getText())
                    .contains("Backup policy saved");
            assertThat(api.get(base + "/" + id + "/backup-policy").text("schedule")).isEqualTo("15 4 * * *");

            // restore into a new database from the list
            web.findElement(By.cssSelector("#backupList a[data-restore-new]")).click();
            browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("restoreNew:newName"))).sendKeys("Ledger copy");
            web.findElement(By.id("restoreNew:newSlug")).sendKeys("ui-ledger-copy");
            web.findElement(By.id("restoreNew:createFromBackup")).click();
            browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Ledger copy"));
            browser.await(Duration.ofSeconds(120)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            copy = web.getCurrentUrl().replaceAll(".*id=", "");

            // the workspace's backups page lists it
            web.findElement(By.linkText("Backups")).click();
            assertThat(browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("workspaceBackups"))).getText())
                    .contains("Ledger").contains("completed");
            browser.screenshot("21-workspace-backups");
        } finally {
            api.delete(base + "/" + id);
            if (copy != null) {
                api.delete(base + "/" + copy);
            }
        }
    }

    @Test
    void branchesAndPointInTimeFromTheDatabasePage() {
        Api api = Api.withBootstrapKey();
        String base = "/api/v1/workspaces/" + api.workspaceId() + "/databases";
        Api.Reply made = api.post(base, "{\"name\":\"Orders\",\"slug\":\"ui-orders\",\"engine\":\"postgresql\"}");
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        String id = made.text("id");
        String branch = null;
        try {
            browser.open(Api.BASE + "/");
            signIn("admin", ADMIN_PASSWORD);
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("total")));
            String page = Api.BASE + "/databases/detail.xhtml?id=" + id;
            browser.open(page);
            browser.await(Duration.ofSeconds(90)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            assertThat(web.findElement(By.id("recoveryWindow")).getText()).contains("no base backup");
            assertThat(web.findElements(By.id("pitr:restorePoint"))).as("no moment to restore to yet").isEmpty();

            // a base backup opens the window: its ends bound the moment inputs
            web.findElement(By.id("backupActions:backUpNow")).click();
            browser.await(Duration.ofSeconds(120)).until(d -> {
                d.navigate().to(page);
                return d.findElement(By.id("backupList")).getText().contains("completed");
            });
            assertThat(web.findElement(By.id("recoveryWindow")).getText()).matches("Recovery window: \\d{4}-.* – \\d{4}-.* \\(UTC\\)");
            WebElement moment = web.findElement(By.id("pitr:restorePoint"));
            assertThat(moment.getAttribute("type")).isEqualTo("datetime-local");
            assertThat(moment.getAttribute("min")).isNotEmpty();
            assertThat(moment.getAttribute("max")).isNotEmpty();

            // a moment outside the window (past the browser's own check): refused with the window in the message
            String earliest = moment.getAttribute("min");
            web.findElement(By.id("branch:branchName")).sendKeys("Orders old");
            web.findElement(By.id("branch:branchSlug")).sendKeys("ui-orders-old");
            web.findElement(By.cssSelector("input[name='branch:branchFrom'][value='moment']")).click();
            ((org.openqa.selenium.JavascriptExecutor) web).executeScript(
                    "document.getElementById('branch:branchPoint').value = '2000-01-01T00:00:00'; document.getElementById('branch').noValidate = true;");
            web.findElement(By.id("branch:makeBranch")).click();
            WebElement refusal = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#branch .field-error")));
            assertThat(refusal.getText()).contains("outside the recovery window").contains("which is " + earliest + "Z to ");
            assertThat(api.get(base + "/" + id + "/branches").json().path("data")).as("nothing created").isEmpty();
            // and so is an in-place restore to it (refused before its confirmation step)
            ((org.openqa.selenium.JavascriptExecutor) web).executeScript(
                    "document.getElementById('pitr:restorePoint').value = '2000-01-01T00:00:00'; document.getElementById('pitr').noValidate = true;");
            web.findElement(By.id("pitr:reviewRestore")).click();
            refusal = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#pitr .field-error")));
            assertThat(refusal.getText()).contains("outside the recovery window").contains("which is " + earliest + "Z to ");
            assertThat(web.findElement(By.id("status")).getText()).isEqualTo("ready");

            // a branch of the present: the new branch's page, which names its parent and its branch point
            WebElement name = web.findElement(By.id("branch:branchName"));
            name.clear();
            name.sendKeys("Orders branch");
            WebElement slug = web.findElement(By.id("branch:branchSlug"));
            slug.clear();
            slug.sendKeys("ui-orders-branch");
            web.findElement(By.cssSelector("input[name='branch:branchFrom'][value='now']")).click();
            // the refused moment is still in its input (to be corrected), and below the input's min the browser would not submit
            ((org.openqa.selenium.JavascriptExecutor) web).executeScript("document.getElementById('branch:branchPoint').value = '';");
            web.findElement(By.id("branch:makeBranch")).click();
            browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Orders branch"));
            branch = web.getCurrentUrl().replaceAll(".*id=", "");
            browser.await(Duration.ofSeconds(120)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            assertThat(web.findElement(By.id("branchOf")).getText()).contains("Branch of").contains("Orders");
            assertThat(web.findElement(By.id("branchMoment")).getText()).matches("at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC");
            browser.await(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("branchNote")).getText().contains("of the parent's files"));
            ((org.openqa.selenium.JavascriptExecutor) web).executeScript("document.getElementById('branchesSection').scrollIntoView()");
            browser.screenshot("22-branch");

            // the parent lists it, with a link to it, which opens it
            web.findElement(By.id("parentLink")).click();
            browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Orders"));
            assertThat(web.findElement(By.id("branchTree")).getText()).contains("Orders branch").contains("ready");
            ((org.openqa.selenium.JavascriptExecutor) web).executeScript("document.getElementById('branchesSection').scrollIntoView()");
            browser.screenshot("23-branches");
            WebElement link = web.findElement(By.linkText("Orders branch"));
            assertThat(link.getAttribute("href")).endsWith("id=" + branch);
            link.click();
            browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Orders branch"));
            assertThat(web.findElement(By.id("branchOf")).getText()).contains("Branch of");

            // reset from parent, confirmed: the page shows it updating, then ready, without a reload
            web.findElement(By.id("reset:resetFromParent")).click();
            web.switchTo().alert().accept();
            assertThat(browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg-info"))).getText())
                    .contains("Resetting");
            assertThat(web.findElement(By.id("status")).getText()).isEqualTo("updating");
            browser.await(Duration.ofSeconds(180)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            assertThat(web.findElement(By.cssSelector(".msg-info")).getText()).as("the same page, followed live").contains("Resetting");
        } finally {
            api.delete(base + "/" + id);
            if (branch != null) {
                api.delete(base + "/" + branch);
            }
        }
    }

    private void signIn(String user, String password) {
        browser.signIn(user, password);
    }
}
