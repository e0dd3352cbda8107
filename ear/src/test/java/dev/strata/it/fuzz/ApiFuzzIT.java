package dev.strata.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.strata.it.Api;
import dev.strata.it.Deployments;
import dev.strata.it.TestDatabases;
import dev.strata.it.WorkspaceSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the jqwik properties of {@link ApiFuzzProperties} against the deployed EAR: Arquillian deploys it (jqwik
 * tests cannot use Arquillian's JUnit 5 extension), sets up a workspace worth aiming at (a project, a ready
 * PostgreSQL database, a bucket and its storage key), then launches the jqwik engine on the properties class and
 * fails with jqwik's report (shrunk sample and seed) if any property fails.
 *
 * <p>{@code -Dit.fuzz.tries=N} sets the tries of each property (default 1500: about 3,000 requests, a few minutes, in CI); see the
 * README for the longer run.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApiFuzzIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void everyMalformedRequestGetsAClearAnswer() throws Exception {
        String ws = api.workspaceId();
        TestDatabases dbs = new TestDatabases(api, ws);
        String project = api.post("/api/v1/projects", "{\"name\":\"fuzz target\"}").text("id");
        String db = dbs.create("fuzz-target");
        dbs.awaitStatus(db, "ready", Duration.ofSeconds(90));
        Api.Reply bucket = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"fuzz-target-bucket\"}");
        assertThat(bucket.status()).as(bucket.raw()).isEqualTo(201);
        Api.Reply keys = api.get("/api/v1/projects/" + project + "/storage-keys");
        String storageKey = keys.json().path("data").get(0).path("accessKeyId").asText();
        try {
            ApiFuzzProperties.fixtures = new ApiFuzzProperties.Fixtures(ws, project, db, bucket.text("id"), storageKey,
                    () -> WorkspaceSnapshot.of(api, ws, project, db), new java.util.concurrent.atomic.AtomicReference<>(WorkspaceSnapshot.of(api, ws, project, db)));
            String tries = System.getProperty("it.fuzz.tries", "1500");
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(ApiFuzzProperties.class))
                    .configurationParameter("jqwik.tries.default", tries)
                    .configurationParameter("jqwik.database", "target/jqwik-database")
                    .configurationParameter("jqwik.edgecases.default", "MIXIN")
                    .build();
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            long start = System.nanoTime();
            launcher.execute(request, listener);
            TestExecutionSummary summary = listener.getSummary();
            String figures = "tries per property " + tries + ", requests " + ApiFuzzProperties.REQUESTS.get()
                    + " in " + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s\n"
                    + "API requests by status: " + ApiFuzzProperties.figures(ApiFuzzProperties.BY_STATUS) + "\n"
                    + "raw requests by status: " + ApiFuzzProperties.figures(ApiFuzzProperties.RAW_BY_STATUS) + "\n";
            StringWriter report = new StringWriter();
            summary.printFailuresTo(new PrintWriter(report), 6);
            Files.writeString(Path.of("target", "fuzz-figures.txt"), figures + report);
            System.out.println(figures);
            assertThat(summary.getTestsFoundCount()).as("jqwik found the properties").isEqualTo(2);
            assertThat(summary.getTotalFailureCount()).as("failed properties:\n%s\n%s", report, figures).isZero();
        } finally {
            api.delete("/api/v1/storage/buckets/" + bucket.text("id"));
            dbs.deleteQuietly(db);
            api.delete("/api/v1/projects/" + project);
        }
    }

    /** Found by fuzzing: names of 64-253 characters were valid but did not fit the column (a 500). */
    @Test
    void storageClassNamesUpTo253CharactersAreStored() {
        String ws = api.workspaceId();
        TestDatabases dbs = new TestDatabases(api, ws);
        String longest = ("a".repeat(63) + ".").repeat(3) + "b".repeat(61);
        Api.Reply tooLong = api.post(dbs.base(), "{\"name\":\"sc\",\"slug\":\"sc-too-long\",\"engine\":\"redis\",\"storageClass\":\"" + longest + "c\"}");
        assertThat(tooLong.status()).as(tooLong.raw()).isEqualTo(400);
        assertThat(tooLong.contentType()).startsWith("application/problem+json");
        String db = dbs.create("sc-longest", "{\"name\":\"sc\",\"slug\":\"sc-longest\",\"engine\":\"redis\",\"storageClass\":\"" + longest + "\"}");
        try {
            assertThat(api.get(dbs.path(db)).text("storageClass")).isEqualTo(longest);
        } finally {
            dbs.deleteQuietly(db);
        }
    }
}
