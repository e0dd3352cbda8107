package dev.strata.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.it.Api;
import dev.strata.it.Deployments;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 19's lists and bucket pages in a real headless Chromium: the database list's filters and paging live in the
 * address (a bookmark or a reload shows the same view; bad values get a message), creating an API key is
 * post-redirect-get (a reload shows no secret and creates nothing), sleep asks first, revoked keys can be removed,
 * a bucket's page lists the objects put with the AWS SDK, each with a presigned link that downloads its bytes, and a
 * bucket created through S3 with a project key is on the bucket list under its project, with its page.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ListsAndBucketsIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private Browser browser;
    private WebDriver web;

    @BeforeEach
    void startBrowser() {
        browser = Browser.start();
        web = browser.driver();
        browser.open(Api.BASE + "/");
        browser.signInAsAdmin();
        browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("total")));
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @Test
    void theDatabaseListIsInTheAddressAndBadValuesGetAMessage() {
        String project = createProject("Lists " + RUN);
        String dbs = "/api/v1/workspaces/" + api.workspaceId() + "/databases";
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                Api.Reply r = api.post(dbs, "{\"name\":\"Pagelist " + RUN + " " + i + "\",\"slug\":\"pl-" + RUN + "-" + i
                        + "\",\"engine\":\"redis\",\"memory\":\"64Mi\",\"projectId\":\"" + project + "\"}");
                assertThat(r.status()).as(r.raw()).isEqualTo(201);
                ids.add(r.text("id"));
            }
            // the filter form is a GET: what it asks is in the address
            browser.open(Api.BASE + "/databases/index.xhtml?limit=2");
            new Select(web.findElement(By.id("engine"))).selectByValue("redis");
            web.findElement(By.id("search")).sendKeys("Pagelist " + RUN);
            web.findElement(By.id("apply")).click();
            browser.await().until(ExpectedConditions.urlContains("engine=redis"));
            assertThat(web.getCurrentUrl()).contains("search=Pagelist+" + RUN).contains("limit=2");
            assertThat(web.findElement(By.id("pageInfo")).getText()).isEqualTo("Page 1 of 2 · 3 databases");
            assertThat(new Select(web.findElement(By.id("engine"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("redis");
            assertThat(web.findElement(By.id("search")).getAttribute("value")).isEqualTo("Pagelist " + RUN);
            assertThat(rows()).hasSize(2);

            // Next is a link: the page is in the address, a reload shows the same page
            web.findElement(By.id("next")).click();
            browser.await().until(ExpectedConditions.urlContains("page=2"));
            assertThat(web.findElement(By.id("pageInfo")).getText()).isEqualTo("Page 2 of 2 · 3 databases");
            List<String> secondPage = rows();
            assertThat(secondPage).hasSize(1);
            browser.screenshot("30-databases-page-2");
            web.navigate().refresh();
            assertThat(web.findElement(By.id("pageInfo")).getText()).isEqualTo("Page 2 of 2 · 3 databases");
            assertThat(rows()).isEqualTo(secondPage);

            // the address is a bookmark: opened afresh, it shows the same view
            String bookmark = web.getCurrentUrl();
            browser.open(Api.BASE + "/");
            browser.open(bookmark);
            assertThat(web.findElement(By.id("pageInfo")).getText()).isEqualTo("Page 2 of 2 · 3 databases");
            assertThat(rows()).isEqualTo(secondPage);
            assertThat(new Select(web.findElement(By.id("engine"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("redis");
            web.findElement(By.id("previous")).click();
            browser.await().until(ExpectedConditions.urlContains("page=1"));
            assertThat(web.findElement(By.id("pageInfo")).getText()).isEqualTo("Page 1 of 2 · 3 databases");

            // bad values: a message each, a sane page, never an error page
            browser.open(Api.BASE + "/databases/index.xhtml?page=abc&engine=foo&status=asleep");
            assertThat(web.findElement(By.tagName("h1")).getText()).isEqualTo("Databases");
            String messages = web.findElement(By.id("globalMessages")).getText();
            assertThat(messages).contains("\u201cabc\u201d is not a page number").contains("Engine \u201cfoo\u201d is not one Strata knows")
                    .contains("Status \u201casleep\u201d is not a database status");
            assertThat(web.findElement(By.id("pageInfo")).getText()).startsWith("Page 1 of ");
            browser.screenshot("31-databases-bad-parameters");
            browser.open(Api.BASE + "/databases/index.xhtml?limit=2&engine=redis&page=99&search=Pagelist+" + RUN);
            assertThat(web.findElement(By.id("globalMessages")).getText()).contains("Page 99 is past the last page (2); showing page 2");
            assertThat(web.findElement(By.id("pageInfo")).getText()).isEqualTo("Page 2 of 2 · 3 databases");
            browser.open(Api.BASE + "/databases/index.xhtml?page=-1&limit=1000");
            assertThat(web.findElement(By.id("globalMessages")).getText()).contains("\u201c-1\u201d is not a page number")
                    .contains("Page size \u201c1000\u201d");
            assertThat(web.findElement(By.id("pageInfo")).getText()).startsWith("Page 1 of ");
        } finally {
            ids.forEach(id -> api.delete(dbs + "/" + id));
            api.delete("/api/v1/projects/" + project);
        }
    }

    @Test
    void creatingAKeyIsPostRedirectGetAndARevokedKeyCanBeRemoved() {
        String name = "prg-" + RUN;
        web.findElement(By.linkText("API keys")).click();
        // an empty name: refused next to the field, tied to it
        web.findElement(By.id("create:submit")).click();
        WebElement error = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("create:nameError")));
        assertThat(error.getText()).contains("name is required");
        assertThat(web.findElement(By.id("create:name")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(web.findElement(By.id("create:name")).getAttribute("aria-describedby")).isEqualTo("create:nameError");

        web.findElement(By.id("create:name")).sendKeys(name);
        web.findElement(By.id("create:submit")).click();
        String secret = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("newKey"))).getText();
        assertThat(secret).startsWith("strata_sk_");
        assertThat(web.getCurrentUrl()).as("redirected to the list, the secret not in the address")
                .endsWith("/keys/index.xhtml").doesNotContain(secret);
        assertThat(keyRows(name)).hasSize(1);
        assertThat(new Api(secret).get("/api/v1/workspaces").status()).isEqualTo(200);
        browser.screenshot("32-key-created");

        // a reload: no second key, and the secret is gone from the page
        web.navigate().refresh();
        browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("apiKeys")));
        assertThat(web.findElements(By.id("newKey"))).isEmpty();
        assertThat(web.getPageSource()).doesNotContain(secret);
        assertThat(keyRows(name)).hasSize(1);

        // an active key has no Remove; revoking asks first, and cancelling changes nothing
        assertThat(keyRows(name).get(0).findElements(By.cssSelector("input[value='Remove']"))).isEmpty();
        keyRows(name).get(0).findElement(By.cssSelector("input[value='Revoke']")).click();
        web.switchTo().alert().dismiss();
        assertThat(keyRows(name).get(0).getText()).contains("active");
        assertThat(new Api(secret).get("/api/v1/workspaces").status()).isEqualTo(200);
        keyRows(name).get(0).findElement(By.cssSelector("input[value='Revoke']")).click();
        web.switchTo().alert().accept();
        browser.await().until(d -> keyRows(name).get(0).getText().contains("revoked"));
        assertThat(new Api(secret).get("/api/v1/workspaces").status()).isEqualTo(401);

        // the revoked key can be removed, after a confirmation; it stays refused
        keyRows(name).get(0).findElement(By.cssSelector("input[value='Remove']")).click();
        web.switchTo().alert().dismiss();
        assertThat(keyRows(name)).hasSize(1);
        keyRows(name).get(0).findElement(By.cssSelector("input[value='Remove']")).click();
        web.switchTo().alert().accept();
        browser.await().until(d -> keyRows(name).isEmpty());
        assertThat(web.findElement(By.id("globalMessages")).getText()).contains("Revoked key removed");
        assertThat(new Api(secret).get("/api/v1/workspaces").status()).isEqualTo(401);
        browser.screenshot("33-key-removed");
    }

    @Test
    void sleepAsksFirstAndTheDatabaseLinksToItsProject() {
        String project = createProject("Sleepy " + RUN);
        String dbs = "/api/v1/workspaces/" + api.workspaceId() + "/databases";
        Api.Reply made = api.post(dbs, "{\"name\":\"Sleepy " + RUN + "\",\"slug\":\"sl-" + RUN
                + "\",\"engine\":\"redis\",\"memory\":\"64Mi\",\"projectId\":\"" + project + "\"}");
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        String id = made.text("id");
        try {
            String page = Api.BASE + "/databases/detail.xhtml?id=" + id;
            browser.open(page);
            browser.await(Duration.ofSeconds(90)).until(ExpectedConditions.textToBe(By.id("status"), "ready"));
            WebElement projectLink = web.findElement(By.id("projectLink"));
            assertThat(projectLink.getText()).isEqualTo("Sleepy " + RUN);
            assertThat(projectLink.getAttribute("href")).endsWith("/projects/detail.xhtml?id=" + project);

            // cancelled: nothing happens
            web.findElement(By.id("lifecycle:sleep")).click();
            assertThat(web.switchTo().alert().getText()).contains("Put this database to sleep?");
            web.switchTo().alert().dismiss();
            assertThat(web.findElement(By.id("status")).getText()).isEqualTo("ready");
            assertThat(api.get(dbs + "/" + id).text("status")).isEqualTo("ready");
            assertThat(web.findElements(By.id("lifecycle:wake"))).isEmpty();

            // confirmed: it sleeps, and the page after it is a GET (a reload repeats nothing)
            web.findElement(By.id("lifecycle:sleep")).click();
            web.switchTo().alert().accept();
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("globalMessages"), "going to sleep"));
            assertThat(web.getCurrentUrl()).endsWith("/databases/detail.xhtml?id=" + id);
            browser.await(Duration.ofSeconds(60)).until(d -> "sleeping".equals(api.get(dbs + "/" + id).text("status")));
            web.navigate().refresh();
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("lifecycle:wake")));
            browser.screenshot("34-database-asleep");

            projectLink = web.findElement(By.id("projectLink"));
            projectLink.click();
            browser.await().until(ExpectedConditions.textToBe(By.id("projectName"), "Sleepy " + RUN));
        } finally {
            api.delete(dbs + "/" + id);
            api.delete("/api/v1/projects/" + project);
        }
    }

    @Test
    void aBucketsPageListsItsObjectsWithDownloadLinksAndUsage() throws Exception {
        String project = createProject("Objects " + RUN);
        String bucketName = "ui-objects-" + RUN;
        try {
            // the create form has no project chosen for the user: refused with a message, nothing created
            web.findElement(By.linkText("Buckets")).click();
            Select projects = new Select(web.findElement(By.id("create:project")));
            assertThat(projects.getFirstSelectedOption().getText()).isEqualTo("Choose a project");
            web.findElement(By.id("create:name")).sendKeys(bucketName);
            web.findElement(By.id("create:submit")).click();
            WebElement refusal = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("create:projectError")));
            assertThat(refusal.getText()).contains("Choose the project");
            assertThat(web.findElement(By.id("create:project")).getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(api.get("/api/v1/storage/buckets?projectId=" + project).json().path("data")).isEmpty();
            browser.screenshot("35-bucket-form-refused");
            new Select(web.findElement(By.id("create:project"))).selectByVisibleText("Objects " + RUN);
            web.findElement(By.id("create:submit")).click();
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("buckets"), bucketName));
            assertThat(web.getCurrentUrl()).endsWith("/buckets/index.xhtml");

            // objects put with the AWS SDK (SigV4, the project's key)
            Map<String, String> env = storageEnv(project);
            List<String> many = new ArrayList<>();
            try (S3Client s3 = s3(env)) {
                s3.putObject(r -> r.bucket(bucketName).key("docs/hello.txt"), RequestBody.fromString("hello from " + RUN));
                s3.putObject(r -> r.bucket(bucketName).key("docs/second file.txt"), RequestBody.fromString("second"));
                for (int i = 0; i < 50; i++) {
                    String key = String.format("many/%02d", i);
                    many.add(key);
                    s3.putObject(r -> r.bucket(bucketName).key(key), RequestBody.fromString("x"));
                }
            }

            // the bucket's name leads to its page
            web.findElement(By.linkText(bucketName)).click();
            browser.await().until(ExpectedConditions.textToBe(By.id("bucketName"), bucketName));
            String bucketPage = web.getCurrentUrl();
            assertThat(bucketPage).contains("/buckets/detail.xhtml?id=bkt_");
            assertThat(web.findElement(By.id("usageObjects")).getText()).isEqualTo("52");
            assertThat(web.findElement(By.id("endpoint")).getText()).isEqualTo(env.get("STORAGE_ENDPOINT"));
            assertThat(web.findElement(By.id("region")).getText()).isEqualTo(env.get("STORAGE_REGION"));
            assertThat(web.findElement(By.id("objects")).getText()).contains("docs/hello.txt").contains("docs/second file.txt");
            assertThat(web.findElements(By.cssSelector("#objects tbody tr"))).hasSize(50);
            // examples for the AWS CLI, JavaScript and Python next to Java, with this endpoint and bucket, no secret
            for (String example : List.of("exampleJava", "exampleCli", "exampleJs", "examplePython")) {
                assertThat(web.findElement(By.id(example)).getText()).as(example).contains(env.get("STORAGE_ENDPOINT")).contains(bucketName);
            }
            assertThat(web.getPageSource()).doesNotContain(env.get("STORAGE_SECRET"));
            browser.screenshot("36-bucket");
            ((org.openqa.selenium.JavascriptExecutor) web).executeScript("document.getElementById('usageExamples').scrollIntoView()");
            browser.screenshot("37-bucket-examples");

            // the download link is a presigned URL to the S3 endpoint: it returns the object's bytes
            WebElement row = web.findElement(By.xpath("//table[@id='objects']//tr[td[1]/code[text()='docs/hello.txt']]"));
            String link = row.findElement(By.cssSelector("a.download")).getAttribute("href");
            assertThat(link).startsWith(env.get("STORAGE_ENDPOINT")).contains("X-Amz-Signature=").contains("X-Amz-Expires=300");
            HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(link)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo("hello from " + RUN);

            // the second page: a continuation token in the address, and a reload shows it again
            web.findElement(By.id("nextObjects")).click();
            browser.await().until(ExpectedConditions.urlContains("token="));
            List<String> second = objectKeys();
            assertThat(second).hasSize(2);
            web.navigate().refresh();
            assertThat(objectKeys()).isEqualTo(second);
            assertThat(web.findElements(By.id("nextObjects"))).isEmpty();

            // a prefix filter (GET), then a bad token and a bad id: messages, not errors
            browser.open(bucketPage);
            web.findElement(By.id("prefix")).sendKeys("docs/");
            web.findElement(By.id("applyPrefix")).click();
            browser.await().until(ExpectedConditions.urlContains("prefix=docs%2F"));
            assertThat(objectKeys()).containsExactly("docs/hello.txt", "docs/second file.txt");
            browser.open(bucketPage + "&token=" + "z".repeat(3000));
            assertThat(web.findElement(By.id("bucketName")).getText()).isEqualTo(bucketName);
            assertThat(web.findElement(By.id("globalMessages")).getText()).contains("start from the first page");
            assertThat(objectKeys()).hasSize(50);
            browser.open(Api.BASE + "/buckets/detail.xhtml?id=bkt_nosuchbucket");
            assertThat(web.findElement(By.tagName("h1")).getText()).isEqualTo("Bucket not found");
            browser.open(Api.BASE + "/buckets/detail.xhtml");
            assertThat(web.findElement(By.tagName("h1")).getText()).isEqualTo("Bucket not found");

            // deleting asks first; cancelling keeps the bucket
            web.findElement(By.linkText("Buckets")).click();
            WebElement bucketRow = web.findElement(By.xpath("//table[@id='buckets']//tr[td[1]/a[text()='" + bucketName + "']]"));
            bucketRow.findElement(By.cssSelector("input[value='Delete']")).click();
            web.switchTo().alert().dismiss();
            assertThat(api.get("/api/v1/storage/buckets?projectId=" + project).json().path("data")).hasSize(1);

            // a bucket made through S3 with the project's key is the project's on the dashboard too: listed under
            // the project, and its page shows what was put into it
            String madeByS3 = "ui-s3-made-" + RUN;
            try (S3Client s3 = s3(env)) {
                s3.createBucket(r -> r.bucket(madeByS3));
                s3.putObject(r -> r.bucket(madeByS3).key("from-s3.txt"), RequestBody.fromString("made through S3"));
            }
            browser.open(Api.BASE + "/buckets/index.xhtml");
            WebElement madeRow = web.findElement(By.xpath("//table[@id='buckets']//tr[td[1]/a[text()='" + madeByS3 + "']]"));
            assertThat(madeRow.findElement(By.xpath("td[2]")).getText()).isEqualTo("Objects " + RUN);
            madeRow.findElement(By.linkText(madeByS3)).click();
            browser.await().until(ExpectedConditions.textToBe(By.id("bucketName"), madeByS3));
            assertThat(web.getCurrentUrl()).contains("/buckets/detail.xhtml?id=bkt_");
            assertThat(objectKeys()).containsExactly("from-s3.txt");
            assertThat(web.findElement(By.id("usageObjects")).getText()).isEqualTo("1");
            browser.screenshot("38-bucket-made-through-s3");
        } finally {
            api.delete("/api/v1/projects/" + project);
        }
    }

    private List<String> rows() {
        return web.findElements(By.cssSelector("#databases tbody tr")).stream().map(WebElement::getText).toList();
    }

    private List<String> objectKeys() {
        return web.findElements(By.cssSelector("#objects tbody td code.object-key")).stream().map(WebElement::getText).toList();
    }

    private List<WebElement> keyRows(String name) {
        return web.findElements(By.xpath("//table[@id='apiKeys']//tr[td[1][text()='" + name + "']]"));
    }

    private String createProject(String name) {
        Api.Reply r = api.post("/api/v1/projects", "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.text("id");
    }

    private static S3Client s3(Map<String, String> env) {
        return S3Client.builder().endpointOverride(URI.create(env.get("STORAGE_ENDPOINT")))
                .region(Region.of(env.get("STORAGE_REGION"))).forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(env.get("STORAGE_KEY"), env.get("STORAGE_SECRET"))))
                .build();
    }

    private Map<String, String> storageEnv(String project) {
        Api.Reply r = api.get("/api/v1/projects/" + project + "/env");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        Map<String, String> vars = new LinkedHashMap<>();
        r.json().path("data").forEach(v -> vars.put(v.path("name").asText(), v.path("value").asText()));
        assertThat(vars).as(r.raw()).containsKeys("STORAGE_ENDPOINT", "STORAGE_KEY", "STORAGE_SECRET", "STORAGE_REGION");
        return vars;
    }
}
