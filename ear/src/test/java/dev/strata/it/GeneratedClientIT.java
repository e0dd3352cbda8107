package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.strata.client.ApiClient;
import dev.strata.client.ApiException;
import dev.strata.client.api.BackupsApi;
import dev.strata.client.api.DatabasesApi;
import dev.strata.client.api.WorkspacesApi;
import dev.strata.client.model.Backup;
import dev.strata.client.model.BackupStatus;
import dev.strata.client.model.Connection;
import dev.strata.client.model.Database;
import dev.strata.client.model.DatabaseChanges;
import dev.strata.client.model.DatabaseStatus;
import dev.strata.client.model.EngineName;
import dev.strata.client.model.NewDatabase;
import dev.strata.client.model.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document is usable, not only valid: a Java client generated from it at build time
 * ({@code dev.strata.client}, openapi-generator, library native) drives a PostgreSQL database's life through the
 * API, with nothing but the generated classes. And the document Payara serves at {@code /openapi} is the checked-in
 * one.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GeneratedClientIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private static final String BASE = System.getProperty("it.base.url", "http://127.0.0.1:28080");
    private static final String KEY = System.getProperty("it.api.key");

    /** The generated client as an application would configure it: base URI, bearer key, HTTP/1.1 (see {@link Api}). */
    private static ApiClient client() {
        ApiClient client = new ApiClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)),
                ApiClient.createDefaultObjectMapper(), BASE + "/api/v1");
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + KEY));
        client.setReadTimeout(Duration.ofSeconds(30));
        return client;
    }

    @Test
    void createReadyConnectResizeBackUpDelete() throws Exception {
        ApiClient client = client();
        DatabasesApi databases = new DatabasesApi(client);
        BackupsApi backups = new BackupsApi(client);
        String ws = new WorkspacesApi(client).listWorkspaces().getData().get(0).getId();

        Database created = databases.createDatabase(ws, new NewDatabase().name("Generated client").slug("generated-client")
                .engine(EngineName.POSTGRESQL).memory("128Mi"));
        String id = created.getId();
        String backupId = null;
        try {
            assertThat(created.getStatus()).isEqualTo(DatabaseStatus.PROVISIONING);
            assertThat(created.getEngine()).isEqualTo(Database.EngineEnum.POSTGRESQL);
            assertThat(created.getStorageGb()).isEqualTo(10);

            awaitReady(databases, ws, id);
            Readiness readiness = databases.getDatabaseStatus(ws, id);
            assertThat(readiness.getReady()).isEqualTo(readiness.getDesired());

            Connection connection = databases.getDatabaseConnection(ws, id);
            assertThat(connection.getUri()).startsWith("postgresql://");
            assertThat(connection.getPort()).isPositive();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
                try (java.sql.Connection c = DriverManager.getConnection(connection.getJdbcUrl()); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("select current_user, current_database()")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getString(1)).isEqualTo(connection.getUsername());
                    assertThat(r.getString(2)).isEqualTo(connection.getDatabase());
                }
            });

            // a user mistake comes back as the documented problem, typed by the client as an ApiException
            assertThatThrownBy(() -> databases.updateDatabase(ws, id, new DatabaseChanges().storageGb(5)))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(422);
                        assertThat(e.getResponseHeaders().firstValue("Content-Type")).hasValueSatisfying(
                                t -> assertThat(t).startsWith("application/problem+json"));
                        assertThat(e.getResponseBody()).contains("\"field\":\"storageGb\"");
                    });

            Database resized = databases.updateDatabase(ws, id, new DatabaseChanges().storageGb(20));
            assertThat(resized.getStorageGb()).isEqualTo(20);
            assertThat(resized.getStatus()).isIn(DatabaseStatus.UPDATING, DatabaseStatus.READY);
            awaitReady(databases, ws, id);
            assertThat(databases.getDatabase(ws, id).getStorageGb()).isEqualTo(20);

            Backup requested = backups.createBackup(ws, id);
            backupId = requested.getId();
            assertThat(requested.getTrigger()).isEqualTo(Backup.TriggerEnum.MANUAL);
            assertThat(requested.getStatus()).isIn(BackupStatus.PENDING, BackupStatus.RUNNING, BackupStatus.COMPLETED);
            String bkp = backupId;
            Backup completed = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> backups.getBackup(ws, bkp), b -> {
                        assertThat(b.getStatus()).as("backup failed: %s", b.getError()).isNotEqualTo(BackupStatus.FAILED);
                        return b.getStatus() == BackupStatus.COMPLETED;
                    });
            assertThat(completed.getSizeBytes()).isPositive();
            assertThat(completed.getCompletedAt()).isNotNull();
            assertThat(completed.getDatabaseId()).isEqualTo(id);

            databases.deleteDatabase(ws, id);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                    assertThatThrownBy(() -> databases.getDatabase(ws, id))
                            .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404)));
        } finally {
            if (backupId != null) {
                try {
                    backups.deleteBackup(ws, backupId);
                } catch (ApiException e) {
                    // already gone (or still running: it expires with its retention)
                }
            }
            new TestDatabases(Api.withBootstrapKey(), ws).deleteAndAwaitGone(id);
        }
    }

    private static void awaitReady(DatabasesApi databases, String ws, String id) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Database d = databases.getDatabase(ws, id);
            assertThat(d.getStatus()).as("statusMessage: %s", d.getStatusMessage()).isNotEqualTo(DatabaseStatus.ERROR);
            return d.getStatus() == DatabaseStatus.READY;
        });
    }

    /**
     * {@code /openapi} serves the checked-in document: paths, components, tags, security and info compared as JSON
     * trees (numbers by value, object keys in any order). Not compared: {@code servers} (MicroProfile OpenAPI adds
     * the server's own URLs when a document has none; ours has {@code /api/v1}, which the test checks is kept) and
     * {@code openapi}. What a serialiser may change without changing the meaning is no difference (see
     * {@link DocumentDiff}): Payara leaves out nulls and empty strings, also in examples; the order of named and
     * scalar lists; empty maps. The checked-in file read and written by Payara 6.2025.9's own OpenAPI model classes
     * (offline) differed from it in exactly those nulls and empty strings.
     */
    @Test
    void theServedDocumentIsTheCheckedInOne() throws Exception {
        JsonNode checkedIn = new YAMLMapper().readTree(ContractValidator.readDocument());
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(BASE + "/openapi")).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode served = r.headers().firstValue("Content-Type").orElse("").contains("json")
                ? new ObjectMapper().readTree(r.body()) : new YAMLMapper().readTree(r.body());

        assertThat(served.path("servers").findValuesAsText("url")).as("servers").contains("/api/v1");
        List<String> differences = DocumentDiff.differences(checkedIn, served, List.of("paths", "components", "tags", "security", "info"));
        assertThat(differences).as("where the served /openapi differs from api/src/main/resources/META-INF/openapi.yaml").isEmpty();
    }
}
