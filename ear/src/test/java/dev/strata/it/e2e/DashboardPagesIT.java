package dev.strata.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.it.Api;
import dev.strata.it.Deployments;
import dev.strata.it.Tenants;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Every page of the dashboard, found by crawling it: from {@code /}, every same-origin link is followed (one page per
 * path and set of query parameters, at most {@link #MAX_PAGES}), so pages added later are covered without a change
 * here. Each page, on a desktop (1400×900) and on a phone (360×800), must not scroll sideways and must have no
 * serious or critical finding of axe-core run inside it; a full-page screenshot of each lands in target/screenshots
 * ({@code <page>-desktop.png}, {@code <page>-phone.png}). So are the sign-in, the not-found and the expired page.
 *
 * <p>Then the secrets: a database's password and URIs and a project's secret variables are not in the page's HTML;
 * Reveal fetches them from {@code /secrets/reveal} (recorded as a {@code secret.revealed} event), which refuses a
 * request without a session, without the page's token, from another origin, or for another workspace's database.
 * And a form error is tied to its input (aria-invalid, aria-describedby) and gets the focus.
 *
 * <p>The fixture, in the dashboard user's workspace: a project with a ready Redis database and a bucket, an API key
 * and a revoked one.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardPagesIT {

    private static final int MAX_PAGES = 60;
    private static final int DESKTOP_WIDTH = 1400;
    private static final int DESKTOP_HEIGHT = 900;
    private static final int PHONE_WIDTH = 360;
    private static final int PHONE_HEIGHT = 800;
    private static final Set<String> BLOCKING = Set.of("serious", "critical");
    /** Links that leave the pages: sign-out, files, the API and Payara's own endpoints. */
    private static final List<String> NOT_PAGES = List.of("/ca.pem", "/api/", "/openapi", "/metrics", "/health",
            "/jakarta.faces.resource/", "/secrets/", "signout", "signOut", "logout");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private Api api;
    private String ws;
    private String projectId;
    private String databaseId;
    private Browser browser;
    private WebDriver web;

    @BeforeAll
    void fixture() throws Exception {
        api = Api.withBootstrapKey();
        ws = api.workspaceId();
        Api.Reply project = api.post("/api/v1/projects", "{\"name\":\"Pages shop\"}");
        assertThat(project.status()).as(project.raw()).isEqualTo(201);
        projectId = project.text("id");
        Api.Reply db = api.post("/api/v1/databases", "{\"projectId\":\"" + projectId + "\",\"engine\":\"redis\",\"name\":\"Pages cache\",\"slug\":\"pages-cache\"}");
        assertThat(db.status()).as(db.raw()).isEqualTo(201);
        databaseId = db.text("id");
        Api.Reply bucket = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + projectId + "\",\"name\":\"pages-uploads\"}");
        assertThat(bucket.status()).as(bucket.raw()).isEqualTo(201);
        Tenants.insertKey(ws, "pages ci", "strata_sk_pagesActive" + System.nanoTime(), false);
        Tenants.insertKey(ws, "pages old", "strata_sk_pagesRevoked" + System.nanoTime(), true);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> "ready".equals(api.get("/api/v1/workspaces/" + ws + "/databases/" + databaseId).text("status")));
        // a completed backup: the database page then links to its restore confirmation and "restore to new" pages
        Api.Reply backup = api.post("/api/v1/workspaces/" + ws + "/databases/" + databaseId + "/backups", "");
        assertThat(backup.status()).as(backup.raw()).isEqualTo(202);
        String backupPath = "/api/v1/workspaces/" + ws + "/backups/" + backup.text("id");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> "completed".equals(api.get(backupPath).text("status")));

        browser = Browser.start();
        web = browser.driver();
    }

    @AfterAll
    void cleanUp() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (projectId != null) {
                api.delete("/api/v1/projects/" + projectId);
            }
        }
    }

    @Test
    void everyPageFitsAPhoneAndHasNoSeriousAccessibilityFinding() {
        List<String> failures = new ArrayList<>();
        // the pages without a session first
        web.manage().deleteAllCookies();
        browser.open(Api.BASE + "/login.xhtml");
        check("login", failures);
        browser.open(Api.BASE + "/expired.xhtml");
        check("expired", failures);

        signIn();
        browser.open(Api.BASE + "/no-such-page.xhtml");
        assertThat(web.findElement(By.tagName("h1")).getText()).isEqualTo("Page not found");
        check("not-found", failures);

        Map<String, String> visited = crawl(failures);
        assertThat(visited.keySet()).as("pages found by the crawl")
                .anyMatch(k -> k.startsWith("/projects/detail.xhtml")).anyMatch(k -> k.startsWith("/databases/detail.xhtml"))
                .anyMatch(k -> k.startsWith("/databases/detail.xhtml") && k.contains("restore"))
                .anyMatch(k -> k.startsWith("/buckets/detail.xhtml"))
                .contains("/", "/projects/", "/databases/", "/buckets/", "/keys/");
        assertThat(failures).as("pages that scroll sideways or have serious accessibility findings, of %s", visited.values())
                .isEmpty();
    }

    /** Visits the dashboard breadth-first from {@code /}; the pages visited by pattern. */
    private Map<String, String> crawl(List<String> failures) {
        Map<String, String> visited = new LinkedHashMap<>();
        Map<String, Integer> perPath = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(Api.BASE + "/");
        Set<String> seen = new LinkedHashSet<>();
        while (!queue.isEmpty() && visited.size() < MAX_PAGES) {
            String url = queue.poll();
            String pattern = pattern(url);
            String path = pattern.replaceAll("\\?.*", "");
            if (visited.containsKey(pattern) || perPath.getOrDefault(path, 0) >= 3) {
                continue;
            }
            browser.open(url);
            browser.await().until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
            if (web.getCurrentUrl().contains("/login.xhtml")) {
                failures.add(url + ": signed out on the way");
                signIn();
                continue;
            }
            visited.put(pattern, url);
            perPath.merge(path, 1, Integer::sum);
            check(name(pattern), failures);
            for (String link : links()) {
                if (seen.add(link)) {
                    queue.add(link);
                }
            }
        }
        return visited;
    }

    /** The page's same-origin links to other pages, without fragments. */
    @SuppressWarnings("unchecked")
    private List<String> links() {
        List<Map<String, Object>> found = (List<Map<String, Object>>) ((JavascriptExecutor) web).executeScript(
                "return Array.from(document.querySelectorAll('a[href]')).map(function (a) {"
                        + " return {href: a.href, download: a.hasAttribute('download'), origin: a.origin}; });");
        String origin = URI.create(Api.BASE).getScheme() + "://" + URI.create(Api.BASE).getRawAuthority();
        List<String> out = new ArrayList<>();
        for (Map<String, Object> a : found) {
            String href = String.valueOf(a.get("href"));
            if (Boolean.TRUE.equals(a.get("download")) || !origin.equals(a.get("origin")) || !href.startsWith("http")) {
                continue;
            }
            String page = href.replaceAll("#.*", "");
            String rest = page.substring(origin.length());
            if (NOT_PAGES.stream().anyMatch(rest::contains) || rest.matches(".*\\.(pem|png|jpg|svg|zip|gz|csv|json|txt)(\\?.*)?")) {
                continue;
            }
            out.add(page);
        }
        return out;
    }

    /** A page's pattern: its path ({@code index.xhtml} left out) and the names of its query parameters, sorted. */
    static String pattern(String url) {
        URI u = URI.create(url);
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        path = path.replaceAll("index\\.xhtml$", "");
        Set<String> names = new TreeSet<>();
        if (u.getRawQuery() != null) {
            for (String pair : u.getRawQuery().split("&")) {
                if (!pair.isEmpty()) {
                    names.add(URLDecoder.decode(pair.replaceAll("=.*", ""), StandardCharsets.UTF_8));
                }
            }
        }
        return names.isEmpty() ? path : path + "?" + String.join("&", names);
    }

    /** A file name for a pattern: {@code /databases/detail.xhtml?id} → {@code databases-detail-id}. */
    static String name(String pattern) {
        String n = pattern.replace(".xhtml", "").replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
        return n.isEmpty() ? "overview" : n;
    }

    /** The checks of one page at both sizes; what fails is added to {@code failures}. */
    private void check(String page, List<String> failures) {
        for (boolean phone : new boolean[] {false, true}) {
            int width = phone ? PHONE_WIDTH : DESKTOP_WIDTH;
            browser.viewport(width, phone ? PHONE_HEIGHT : DESKTOP_HEIGHT);
            String size = phone ? "phone" : "desktop";
            String where = page + " (" + size + ", " + web.getCurrentUrl() + ")";
            @SuppressWarnings("unchecked")
            Map<String, Object> fit = (Map<String, Object>) ((JavascriptExecutor) web).executeScript(
                    "var w = arguments[0], doc = document.documentElement, out = [];"
                            + "if (doc.scrollWidth > w || doc.scrollWidth > window.innerWidth) {"
                            + "  document.querySelectorAll('body *').forEach(function (e) {"
                            + "    var r = e.getBoundingClientRect();"
                            + "    if (r.right > w + 1 && r.width > 0 && out.length < 8) {"
                            + "      out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : '')"
                            + "        + ' right=' + Math.round(r.right) + ' \"' + (e.textContent || '').trim().slice(0, 40) + '\"');"
                            + "    }"
                            + "  });"
                            + "}"
                            + "return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, offenders: out};", width);
            long scrollWidth = ((Number) fit.get("scrollWidth")).longValue();
            long innerWidth = ((Number) fit.get("innerWidth")).longValue();
            if (scrollWidth > Math.min(width, innerWidth)) {
                failures.add(where + ": scrolls sideways, " + scrollWidth + " px wide in a " + width + " px viewport; widest: " + fit.get("offenders"));
            }
            Results axe = new AxeBuilder().analyze(web);
            if (axe.isErrored() || axe.getPasses() == null || axe.getPasses().isEmpty()) {
                failures.add(where + ": axe-core did not run: " + axe.getErrorMessage());
            }
            List<Rule> violations = axe.getViolations() == null ? List.of() : axe.getViolations();
            List<Rule> minor = violations.stream().filter(r -> !BLOCKING.contains(r.getImpact())).toList();
            if (!minor.isEmpty()) {
                // moderate and minor findings do not fail the build; they are in the test's output to work on
                System.out.println("axe-core, " + where + ":\n" + minor.stream().map(DashboardPagesIT::describe).collect(Collectors.joining("\n")));
            }
            List<Rule> blocking = violations.stream().filter(r -> BLOCKING.contains(r.getImpact())).toList();
            if (!blocking.isEmpty()) {
                failures.add(where + ": axe-core found\n" + blocking.stream().map(DashboardPagesIT::describe).collect(Collectors.joining("\n")));
            }
            browser.screenshotFullPage(page + "-" + size);
        }
        browser.viewport(DESKTOP_WIDTH, DESKTOP_HEIGHT);
    }

    private static String describe(Rule r) {
        StringBuilder out = new StringBuilder("  [" + r.getImpact() + "] " + r.getId() + ": " + r.getHelp() + " (" + r.getHelpUrl() + ")");
        int shown = 0;
        for (CheckedNode n : r.getNodes()) {
            if (shown++ == 5) {
                out.append("\n      … and ").append(r.getNodes().size() - 5).append(" more");
                break;
            }
            String html = n.getHtml() == null ? "" : n.getHtml();
            out.append("\n      ").append(n.getTarget()).append(": ").append(html.length() > 160 ? html.substring(0, 160) + "…" : html);
        }
        return out.toString();
    }

    @Test
    void secretsAreNotInThePageUntilRevealedAndRevealingIsAnEvent() throws Exception {
        signIn();
        JsonNode connection = api.get("/api/v1/workspaces/" + ws + "/databases/" + databaseId + "/connection").json();
        String password = connection.path("password").asText();
        String uri = connection.path("uri").asText();
        assertThat(password).isNotEmpty();

        browser.open(Api.BASE + "/databases/detail.xhtml?id=" + databaseId);
        browser.await().until(ExpectedConditions.textToBe(By.id("dbName"), "Pages cache"));
        String source = web.getPageSource();
        assertThat(source).doesNotContain(password).doesNotContain(uri);
        if (connection.hasNonNull("tlsUri")) {
            assertThat(source).doesNotContain(connection.path("tlsUri").asText());
        }
        assertThat(web.findElement(By.id("password")).getAttribute("data-secret-ref")).isEqualTo("database:" + databaseId + ":password");

        // reveal: the value from the server, then hidden again (and gone from the page)
        web.findElement(By.id("revealPassword")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("password"), password));
        assertThat(web.findElement(By.id("revealPassword")).getText()).isEqualTo("Hide");
        web.findElement(By.id("revealPassword")).click();
        assertThat(web.findElement(By.id("password")).getText()).isEqualTo("••••••••");
        assertThat(web.getPageSource()).doesNotContain(password);
        web.findElement(By.id("revealUri")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("uri"), uri));

        // each reveal is an event: in the API's list (and so in the activity and the webhooks), naming who and what
        JsonNode events = api.get("/api/v1/workspaces/" + ws + "/events?type=secret.revealed&databaseId=" + databaseId).json().path("data");
        List<String> fields = new ArrayList<>();
        events.forEach(e -> {
            assertThat(e.path("data").path("user").asText()).isEqualTo("admin");
            assertThat(e.path("data").path("action").asText()).isEqualTo("reveal");
            assertThat(e.toString()).doesNotContain(password);
            fields.add(e.path("data").path("field").asText());
        });
        assertThat(fields).contains("password", "uri");
        browser.open(Api.BASE + "/databases/detail.xhtml?id=" + databaseId);
        browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("activitySection"), "secret.revealed"));

        // the project's page: its secret variables are references only, its plain ones are shown
        JsonNode env = api.get("/api/v1/projects/" + projectId + "/env").json();
        Map<String, String> vars = new LinkedHashMap<>();
        env.path("data").forEach(v -> vars.put(v.path("name").asText(), v.path("value").asText()));
        if (vars.isEmpty()) {
            env.fields().forEachRemaining(f -> {
                if (f.getValue().isTextual()) {
                    vars.put(f.getKey(), f.getValue().asText());
                }
            });
        }
        assertThat(vars).containsKeys("STORAGE_SECRET", "REDIS_URL");
        browser.open(Api.BASE + "/projects/detail.xhtml?id=" + projectId);
        browser.await().until(ExpectedConditions.textToBe(By.id("projectName"), "Pages shop"));
        source = web.getPageSource();
        for (Map.Entry<String, String> v : vars.entrySet()) {
            if (v.getKey().equals("STORAGE_SECRET") || v.getKey().endsWith("_URL")) {
                assertThat(source).as(v.getKey()).doesNotContain(v.getValue());
            }
        }
        assertThat(source).doesNotContain(password);
        WebElement secret = web.findElement(By.id("env-STORAGE_SECRET"));
        assertThat(secret.getText()).isEqualTo("••••••••");
        web.findElement(By.cssSelector("[data-reveal='env-STORAGE_SECRET']")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("env-STORAGE_SECRET"), vars.get("STORAGE_SECRET")));
        assertThat(api.get("/api/v1/workspaces/" + ws + "/events?type=secret.revealed").json().path("data").toString())
                .contains("\"field\":\"STORAGE_SECRET\"").contains(projectId);

        // copy fetches it too (and says so), recorded as a copy
        browser.open(Api.BASE + "/databases/detail.xhtml?id=" + databaseId);
        web.findElement(By.id("copyUri")).click();
        browser.await().until(ExpectedConditions.textToBe(By.id("copyUri"), "Copied"));
        assertThat(api.get("/api/v1/workspaces/" + ws + "/events?type=secret.revealed&databaseId=" + databaseId).json().path("data").toString())
                .contains("\"action\":\"copy\"");
    }

    @Test
    void theRevealEndpointWantsASessionItsTokenThisOriginAndTheUsersWorkspace() throws Exception {
        String ref = "database:" + databaseId + ":password";
        String origin = URI.create(Api.BASE).getScheme() + "://" + URI.create(Api.BASE).getRawAuthority();

        // no session: the sign-in, not the secret
        HttpResponse<String> anonymous = reveal(ref, null, null, origin);
        assertThat(anonymous.statusCode()).isIn(302, 303, 401, 403);
        String password = api.get("/api/v1/workspaces/" + ws + "/databases/" + databaseId + "/connection").text("password");
        assertThat(anonymous.body()).doesNotContain(password);

        signIn();
        browser.open(Api.BASE + "/databases/detail.xhtml?id=" + databaseId);
        String token = web.findElement(By.cssSelector("meta[name='strata-token']")).getAttribute("content");
        String cookies = web.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue()).collect(Collectors.joining("; "));
        assertThat(token).isNotEmpty();

        HttpResponse<String> ok = reveal(ref, cookies, token, origin);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(password);
        assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");

        assertThat(reveal(ref, cookies, null, origin).statusCode()).as("without the token").isEqualTo(403);
        assertThat(reveal(ref, cookies, "not-the-token", origin).statusCode()).as("a wrong token").isEqualTo(403);
        assertThat(reveal(ref, cookies, token, "http://evil.example").statusCode()).as("another origin").isEqualTo(403);
        assertThat(reveal(ref, cookies, token, null).statusCode()).as("no origin at all").isEqualTo(403);
        assertThat(reveal("database:" + databaseId + ":nothing", cookies, token, origin).statusCode()).as("an unknown field").isEqualTo(404);
        assertThat(reveal("project:proj_nosuch:env:STORAGE_SECRET", cookies, token, origin).statusCode()).isEqualTo(404);

        // another workspace's database: not found, as its page is
        String otherKey = "strata_sk_pagesOther" + System.nanoTime();
        String otherWs = Tenants.insertWorkspaceWithKey(otherKey, false);
        Api other = new Api(otherKey);
        Api.Reply made = other.post("/api/v1/workspaces/" + otherWs + "/databases", "{\"name\":\"Theirs\",\"slug\":\"theirs\",\"engine\":\"redis\"}");
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        String theirs = made.text("id");
        try {
            HttpResponse<String> foreign = reveal("database:" + theirs + ":password", cookies, token, origin);
            assertThat(foreign.statusCode()).isEqualTo(404);
            assertThat(other.get("/api/v1/workspaces/" + otherWs + "/events?type=secret.revealed").json().path("data")).isEmpty();
        } finally {
            other.delete("/api/v1/workspaces/" + otherWs + "/databases/" + theirs);
        }
    }

    private static HttpResponse<String> reveal(String ref, String cookies, String token, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Api.BASE + "/secrets/reveal")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("ref=" + java.net.URLEncoder.encode(ref, StandardCharsets.UTF_8) + "&action=reveal"));
        if (cookies != null) {
            b.header("Cookie", cookies);
        }
        if (token != null) {
            b.header("X-Strata-Token", token);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFormErrorIsTiedToItsInputAndHasTheFocus() {
        signIn();
        // an h:message with an id of its own, next to an input that is described by a hint already
        browser.open(Api.BASE + "/projects/detail.xhtml?id=" + projectId);
        WebElement idle = web.findElement(By.id("idle:autoSleepMinutes"));
        assertThat(idle.getAttribute("aria-invalid")).isNull();
        idle.clear();
        idle.sendKeys("99999");
        web.findElement(By.id("idle:save")).click();
        browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#idle .field-error")));
        idle = web.findElement(By.id("idle:autoSleepMinutes"));
        assertThat(idle.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(idle.getAttribute("aria-describedby").split(" ")).containsExactlyInAnyOrder("idleHelp", "idle:idleError");
        assertThat(web.findElement(By.id("idle:idleError")).getText()).contains("0 (never) to 10080");
        assertThat(web.switchTo().activeElement().getAttribute("id")).isEqualTo("idle:autoSleepMinutes");
        // corrected: neither invalid nor described by the error any more, the hint stays
        idle.clear();
        idle.sendKeys("0");
        web.findElement(By.id("idle:save")).click();
        browser.await().until(d -> d.findElements(By.cssSelector("#idle .field-error")).isEmpty());
        idle = web.findElement(By.id("idle:autoSleepMinutes"));
        assertThat(idle.getAttribute("aria-invalid")).isNull();
        assertThat(idle.getAttribute("aria-describedby")).isEqualTo("idleHelp");

        // an h:message without an id: it gets one, stable per input
        browser.open(Api.BASE + "/databases/detail.xhtml?id=" + databaseId);
        WebElement memory = web.findElement(By.id("resize:memory"));
        memory.clear();
        memory.sendKeys("lots");
        web.findElement(By.id("resize:apply")).click();
        WebElement error = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("resize:memory-error")));
        assertThat(error.getText()).contains("memory must be a Kubernetes memory quantity");
        memory = web.findElement(By.id("resize:memory"));
        assertThat(memory.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(memory.getAttribute("aria-describedby")).isEqualTo("resize:memory-error");
        assertThat(web.switchTo().activeElement().getAttribute("id")).isEqualTo("resize:memory");
        assertThat(web.findElement(By.id("resize:cpu")).getAttribute("aria-invalid")).isNull();
    }

    @Test
    void theSkipLinkLeadsToTheContent() {
        signIn();
        browser.open(Api.BASE + "/keys/");
        new org.openqa.selenium.interactions.Actions(web).sendKeys(org.openqa.selenium.Keys.TAB).perform();
        WebElement skip = web.switchTo().activeElement();
        assertThat(skip.getText()).isEqualTo("Skip to content");
        assertThat(skip.getAttribute("href")).endsWith("#content");
        skip.sendKeys(org.openqa.selenium.Keys.ENTER);
        browser.await().until(d -> "content".equals(d.switchTo().activeElement().getAttribute("id")));
        assertThat(web.findElement(By.id("content")).getTagName()).isEqualTo("main");
        assertThat(web.findElement(By.id("apiKeys")).getText()).contains("pages ci").contains("pages old").contains("revoked");
    }

    /** Signs in as the dashboard's admin unless the browser is signed in already. */
    private void signIn() {
        browser.viewport(DESKTOP_WIDTH, DESKTOP_HEIGHT);
        browser.open(Api.BASE + "/");
        if (!web.getCurrentUrl().contains("/login.xhtml")) {
            return;
        }
        browser.signInAsAdmin();
        browser.await().until(d -> !d.getCurrentUrl().contains("/login.xhtml"));
    }
}
