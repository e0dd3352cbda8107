package dev.strata.it.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.it.Api;
import dev.strata.provisioning.driver.kubernetes.simulation.ApiServerSimulation;
import dev.strata.provisioning.driver.kubernetes.simulation.OperatorSimulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Strata in Kubernetes mode, end to end: the built EAR on a Payara Server of its own ({@code STRATA_DRIVER=kubernetes},
 * {@code STRATA_KUBECONFIG} pointing at a simulated API server, metadata in PostgreSQL), driven through the REST API
 * while simulated operators act on the custom resources. No kube-apiserver can run on these machines; the API
 * server is fabric8's CRUD simulation and the operators are {@link OperatorSimulator}.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
@org.junit.jupiter.api.parallel.ResourceLock("strata-k8s-it") // its methods one after the other, in its own thread
class KubernetesModeIT {

    private static final String BASE = System.getProperty("it.k8s.base.url");
    private static final Path DATA_DIR = Path.of(System.getProperty("it.k8s.data.dir"));
    private static final String HOME = System.getProperty("it.payara.home");
    private static final String DOMAIN = System.getProperty("it.k8s.domain");

    private static ApiServerSimulation apiServer;
    private static OperatorSimulator operators;
    private static Api api;
    private static String ws;
    private static String namespace;

    @BeforeAll
    static void startStrataInKubernetesMode() throws Exception {
        apiServer = ApiServerSimulation.start(0);
        operators = new OperatorSimulator(apiServer, Duration.ofMillis(500));
        Path kubeconfig = apiServer.writeKubeconfig(DATA_DIR.resolve("kubeconfig"));

        ProcessBuilder start = new ProcessBuilder(HOME + "/bin/asadmin", "start-domain", DOMAIN);
        Map<String, String> env = start.environment();
        env.keySet().removeIf(k -> k.startsWith("STRATA_"));
        env.put("STRATA_DRIVER", "kubernetes");
        env.put("STRATA_KUBECONFIG", kubeconfig.toString());
        env.put("STRATA_DATA_DIR", DATA_DIR.toString());
        env.put("STRATA_DB_URL", System.getProperty("it.k8s.metadata.url"));
        env.put("STRATA_DB_USER", "postgres");
        env.put("STRATA_DB_PASSWORD", "postgres");
        env.put("STRATA_BOOTSTRAP_API_KEY", Api.KEY);
        env.put("STRATA_ADMIN_USER", "admin");
        env.put("STRATA_ADMIN_PASSWORD", System.getProperty("it.admin.password"));
        env.put("STRATA_RECONCILE_INTERVAL_MS", "500");
        env.put("STRATA_S3_PORT", System.getProperty("it.k8s.s3.port"));
        // the object store the operators' pods would write backups to (the simulated operators keep their bucket in memory)
        env.put("STRATA_K8S_BACKUP_S3_ENDPOINT", "http://minio.storage.svc:9000");
        env.put("STRATA_K8S_BACKUP_S3_BUCKET", "strata-k8s-backups");
        env.put("STRATA_K8S_BACKUP_S3_ACCESS_KEY_ID", "it-access-key");
        env.put("STRATA_K8S_BACKUP_S3_SECRET_ACCESS_KEY", "it-secret-key");
        run(start, "start.log", 240);
        run(new ProcessBuilder(HOME + "/bin/asadmin", "--port", System.getProperty("it.k8s.admin.port"), "deploy",
                "--name", "strata", System.getProperty("it.ear")), "deploy.log", 600);

        api = new Api(BASE, Api.KEY);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> api.get("/api/v1/workspaces").status() == 200);
        ws = api.workspaceId();
        namespace = "strata-" + ws.replace('_', '-');
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            run(new ProcessBuilder(HOME + "/bin/asadmin", "stop-domain", DOMAIN), "stop.log", 120);
        } finally {
            if (operators != null) {
                operators.close();
            }
            if (apiServer != null) {
                apiServer.close();
            }
        }
    }

    private static void run(ProcessBuilder pb, String log, int seconds) throws Exception {
        File out = DATA_DIR.resolve(log).toFile();
        Process p = pb.redirectErrorStream(true).redirectOutput(out).start();
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as(String.join(" ", pb.command())).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", pb.command()) + ": " + Files.readString(out.toPath())).isZero();
    }

    @Test
    void enginesAreTheOperatorsNotTheHost() {
        Api.Reply engines = api.get("/api/v1/engines");
        assertThat(engines.status()).isEqualTo(200);
        Map<String, List<String>> offered = new LinkedHashMap<>();
        for (JsonNode e : engines.json().path("data")) {
            offered.put(e.path("engine").asText(), new java.util.ArrayList<>());
            e.path("versions").forEach(v -> offered.get(e.path("engine").asText()).add(v.asText()));
        }
        assertThat(offered).containsEntry("postgresql", List.of("17", "16", "15")).containsEntry("mysql", List.of("11.4", "10.11"))
                .containsEntry("redis", List.of("7.0.15")).containsEntry("mongodb", List.of("7.0", "6.0"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "postgresql, postgresql.cnpg.io/v1, Cluster, spec.storage.size",
            "mysql, k8s.mariadb.com/v1alpha1, MariaDB, spec.storage.size",
            "redis, redis.redis.opstreelabs.in/v1beta2, Redis, spec.storage.volumeClaimTemplate.spec.resources.requests.storage",
            "mongodb, psmdb.percona.com/v1, PerconaServerMongoDB, spec.replsets.0.volumeSpec.persistentVolumeClaim.resources.requests.storage"})
    void aDatabaseIsAnOperatorResourceFromCreateToDelete(String engine, String apiVersion, String kind, String storagePath) {
        String project = api.post("/api/v1/projects", "{\"name\":\"k8s " + engine + "\"}").text("id");
        String dbs = "/api/v1/workspaces/" + ws + "/databases";
        Api.Reply created = api.post(dbs, "{\"name\":\"Orders " + engine + "\",\"slug\":\"orders-" + engine + "\",\"engine\":\"" + engine + "\",\"projectId\":\""
                + project + "\",\"cpu\":\"500m\",\"memory\":\"1Gi\",\"storageGb\":10}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("status")).isEqualTo("provisioning");
        String id = created.text("id");
        String name = id.replace('_', '-');
        String db = dbs + "/" + id;

        // the custom resource, as the API server stores it
        GenericKubernetesResource cr = await().atMost(Duration.ofSeconds(30))
                .until(() -> stored(apiVersion, kind, name), r -> r != null);
        assertThat(cr.getMetadata().getNamespace()).isEqualTo(namespace);
        assertThat(cr.getMetadata().getLabels()).containsEntry("strata.dev/database-id", id)
                .containsEntry("strata.dev/project-id", project).containsEntry("app.kubernetes.io/managed-by", "strata");
        assertThat(at(cr, storagePath)).isEqualTo("10Gi");

        // the simulated operator makes it ready; Strata shows it
        awaitStatus(db, "ready");
        Api.Reply status = api.get(db + "/status");
        assertThat(status.json().path("ready").asInt()).isEqualTo(1);
        Api.Reply conn = api.get(db + "/connection");
        assertThat(conn.status()).as(conn.raw()).isEqualTo(200);
        // every host resolves from any namespace: <service>.<namespace>.svc
        assertThat(conn.text("host")).endsWith("." + namespace + ".svc");
        assertThat(conn.text("uri")).contains("@" + conn.text("host") + ":");
        if (engine.equals("postgresql")) {
            // CloudNativePG's credentials; its Secret's own host is the bare Service name
            Map<String, String> app = secret(name + "-app");
            assertThat(conn.text("host")).isEqualTo(app.get("host") + "." + namespace + ".svc");
            assertThat(conn.text("password")).isEqualTo(app.get("password"));
        }

        // the project environment is also a Secret in the project's namespace
        String envSecret = project.replace('_', '-') + "-env";
        await().atMost(Duration.ofSeconds(30)).until(() -> secret(envSecret), s -> s != null && conn.text("uri").equals(s.get("DATABASE_URL")));
        Api.Reply dotenv = api.get("/api/v1/projects/" + project + "/env?format=dotenv");
        assertThat(dotenv.raw()).contains("DATABASE_URL=\"" + conn.text("uri") + "\"");
        // with the same variables as the API: DATABASE_URL, the engine's conventional name and the slug's (issue 16)
        String slugVar = "ORDERS_" + engine.toUpperCase(java.util.Locale.ROOT) + "_URL";
        assertThat(dotenv.raw()).contains(slugVar + "=\"" + conn.text("uri") + "\"");
        Map<String, String> apiEnv = new LinkedHashMap<>();
        api.get("/api/v1/projects/" + project + "/env").json().path("data").forEach(v -> apiEnv.put(v.path("name").asText(), v.path("value").asText()));
        assertThat(apiEnv).containsEntry(slugVar, conn.text("uri"));
        Map<String, String> conventional = Map.of("mysql", "MYSQL_URL", "redis", "REDIS_URL", "mongodb", "MONGODB_URL");
        if (conventional.containsKey(engine)) {
            assertThat(apiEnv).containsEntry(conventional.get(engine), conn.text("uri"));
        }
        // each operator issues its own certificates: Strata has no CA certificate to put in the environment
        assertThat(apiEnv).doesNotContainKey("DATABASE_CA_CERT");
        assertThat(dotenv.raw()).doesNotContain("DATABASE_CA_CERT");
        await().atMost(Duration.ofSeconds(30)).until(() -> secret(envSecret), s -> apiEnv.equals(s));

        // resize: storage grows on the resource; shrinking is refused before anything is written
        assertThat(api.patch(db, "{\"storageGb\":5}").status()).isEqualTo(422);
        Api.Reply resized = api.patch(db, "{\"storageGb\":20}");
        assertThat(resized.status()).as(resized.raw()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> at(stored(apiVersion, kind, name), storagePath), "20Gi"::equals);
        awaitStatus(db, "ready");

        // sleep and wake through the operator's own mechanism
        assertThat(api.post(db + "/sleep", "").status()).isEqualTo(202);
        awaitStatus(db, "sleeping");
        assertThat(api.get(db + "/status").json().path("ready").asInt()).isZero();
        assertThat(api.post(db + "/wake", "").status()).isEqualTo(202);
        awaitStatus(db, "ready");

        // delete: the resource and its Secrets go, then the database
        assertThat(api.delete(db).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get(db).status() == 404);
        assertThat(stored(apiVersion, kind, name)).isNull();
        assertThat(apiServer.client().secrets().inNamespace(namespace).list().getItems())
                .extracting(s -> s.getMetadata().getName()).noneMatch(n -> n.startsWith(name));

        // the project goes, and its environment Secret with it
        assertThat(api.delete("/api/v1/projects/" + project).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> secret(envSecret) == null);
        assertThat(operators.lastError()).isNull();
    }

    /**
     * Backups, restores and branches through each operator's own mechanism, end to end: a backup through the API
     * completes when the operator's backup resource does; a restore into a new database and a branch of the present
     * become new operator resources bootstrapped from the source's backups; a branch of a moment carries that moment
     * where the operator recovers to one; what an operator cannot do is a 422 with the reason.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "postgresql, postgresql.cnpg.io/v1, Cluster, spec.bootstrap.recovery.source, spec.bootstrap.recovery.recoveryTarget.targetTime",
            "mysql, k8s.mariadb.com/v1alpha1, MariaDB, spec.bootstrapFrom.s3.bucket, ",
            "mongodb, psmdb.percona.com/v1, PerconaServerMongoDB, , "})
    void backupsRestoresAndBranchesGoThroughTheOperator(String engine, String apiVersion, String kind, String restoredFrom, String targetTime) {
        String dbs = "/api/v1/workspaces/" + ws + "/databases";
        Api.Reply created = api.post(dbs, "{\"name\":\"Ledger " + engine + "\",\"slug\":\"ledger-" + engine + "\",\"engine\":\"" + engine + "\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String db = dbs + "/" + created.text("id");
        awaitStatus(db, "ready");

        Api.Reply started = api.post(db + "/backups", "");
        assertThat(started.status()).as(started.raw()).isEqualTo(202);
        String backup = "/api/v1/workspaces/" + ws + "/backups/" + started.text("id");
        Api.Reply done = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> api.get(backup), r -> !List.of("pending", "running").contains(r.text("status")));
        assertThat(done.text("status")).as(done.raw()).isEqualTo("completed");

        // in place: the operators restore only into a new resource
        Api.Reply inPlace = api.post(db + "/restore", "{\"backupId\":\"" + started.text("id") + "\"}");
        assertThat(inPlace.status()).as(inPlace.raw()).isEqualTo(422);

        // into a new database, made by the operator from the backup
        Api.Reply restored = api.post(backup + "/restore", "{\"name\":\"Ledger copy " + engine + "\",\"slug\":\"ledger-copy-" + engine + "\"}");
        assertThat(restored.status()).as(restored.raw()).isIn(201, 202);
        String copy = dbs + "/" + restored.text("id");
        awaitStatus(copy, "ready");
        GenericKubernetesResource copied = stored(apiVersion, kind, restored.text("id").replace('_', '-'));
        if (restoredFrom != null) {
            assertThat(at(copied, restoredFrom)).as("%s of the restored resource", restoredFrom).isNotNull();
        } else {
            assertThat(apiServer.client().genericKubernetesResources("psmdb.percona.com/v1", "PerconaServerMongoDBRestore")
                    .inNamespace(namespace).list().getItems()).extracting(r -> at(r, "spec.clusterName"))
                    .contains(restored.text("id").replace('_', '-'));
        }

        // a branch of the present: a backup taken for it, then a new resource from it
        Api.Reply branch = api.post(db + "/branches", "{\"name\":\"Ledger branch " + engine + "\",\"slug\":\"ledger-branch-" + engine + "\"}");
        assertThat(branch.status()).as(branch.raw()).isEqualTo(201);
        awaitStatus(dbs + "/" + branch.text("id"), "ready");

        // a branch of a moment: where the operator recovers to one, the moment is on the new resource
        Api.Reply window = await().atMost(Duration.ofSeconds(30)).until(() -> api.get(db + "/recovery-window"),
                w -> w.status() == 200 && (!w.json().path("pointInTime").asBoolean()
                        || java.time.Instant.parse(w.text("latest")).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .isAfter(java.time.Instant.parse(w.text("earliest")))));
        String moment = (window.json().path("pointInTime").asBoolean() ? java.time.Instant.parse(window.text("latest")) : java.time.Instant.now())
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Api.Reply atMoment = api.post(db + "/branches", "{\"name\":\"Ledger then " + engine + "\",\"slug\":\"ledger-then-" + engine
                + "\",\"pointInTime\":\"" + moment + "\"}");
        if (engine.equals("mysql")) {
            // mariadb-operator archives binary logs only with replication (two replicas or more)
            assertThat(window.json().path("pointInTime").asBoolean()).isFalse();
            assertThat(atMoment.status()).as(atMoment.raw()).isEqualTo(422);
        } else {
            assertThat(atMoment.status()).as(atMoment.raw()).isEqualTo(201);
            String then = dbs + "/" + atMoment.text("id");
            awaitStatus(then, "ready");
            if (targetTime != null) {
                assertThat(at(stored(apiVersion, kind, atMoment.text("id").replace('_', '-')), targetTime)).isEqualTo(moment);
            } else {
                assertThat(apiServer.client().genericKubernetesResources("psmdb.percona.com/v1", "PerconaServerMongoDBRestore")
                        .inNamespace(namespace).list().getItems()).extracting(r -> at(r, "spec.clusterName"), r -> at(r, "spec.pitr.type"))
                        .contains(org.assertj.core.groups.Tuple.tuple(atMoment.text("id").replace('_', '-'), "date"));
            }
            assertThat(api.delete(then).status()).isEqualTo(204);
        }

        for (String gone : List.of(copy, dbs + "/" + branch.text("id"), db)) {
            assertThat(api.delete(gone).status()).isEqualTo(204);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get(db).status() == 404 && api.get(copy).status() == 404);
        assertThat(operators.lastError()).isNull();
    }

    @Test
    void theCaCertificateIsNotStratasToHandOut() {
        Api.Reply pem = api.get("/api/v1/workspaces/" + ws + "/ca.pem");
        assertThat(pem.status()).as(pem.raw()).isEqualTo(409);
        assertThat(pem.contentType()).startsWith("application/problem+json");
        assertThat(pem.json().path("status").asInt()).isEqualTo(409);
        assertThat(pem.json().path("detail").asText()).contains("Kubernetes mode", "operator").doesNotContain("BEGIN CERTIFICATE");
        // a workspace the caller does not see is still a 404, not a hint that it exists
        assertThat(api.get("/api/v1/workspaces/ws_00000000000000000000000000/ca.pem").status()).isEqualTo(404);
    }

    @Test
    void redisHasNoBackupsInKubernetesModeAndSaysWhy() {
        Api.Reply created = api.post("/api/v1/workspaces/" + ws + "/databases", "{\"name\":\"Cache\",\"slug\":\"cache-nobackup\",\"engine\":\"redis\"}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String db = "/api/v1/workspaces/" + ws + "/databases/" + created.text("id");
        awaitStatus(db, "ready");
        Api.Reply refused = api.post(db + "/backups", "");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(422);
        assertThat(refused.raw()).containsIgnoringCase("operator");
        assertThat(api.delete(db).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get(db).status() == 404);
    }

    @Test
    void aRefusalOfTheApiServerIsTheDatabasesStatusMessage() {
        apiServer.refuse(new ApiServerSimulation.Refusal("POST", "/mariadbs", 403, "Forbidden",
                "mariadbs.k8s.mariadb.com is forbidden: User \"system:serviceaccount:strata-system:strata\" cannot create resource \"mariadbs\" in API group \"k8s.mariadb.com\""));
        String db;
        try {
            Api.Reply created = api.post("/api/v1/workspaces/" + ws + "/databases", "{\"name\":\"Refused\",\"slug\":\"refused\",\"engine\":\"mysql\"}");
            assertThat(created.status()).isEqualTo(201);
            db = "/api/v1/workspaces/" + ws + "/databases/" + created.text("id");
            Api.Reply shown = await().atMost(Duration.ofSeconds(30)).until(() -> api.get(db), r -> r.text("statusMessage").contains("403"));
            assertThat(shown.text("status")).isEqualTo("error");
            assertThat(shown.text("statusMessage")).contains("Kubernetes API refused to create MariaDB").contains("403 Forbidden")
                    .contains("cannot create resource \"mariadbs\"");
        } finally {
            apiServer.clearRefusals();
        }
        // allowed again: the reconciler's retry goes through
        awaitStatus(db, "ready");
        assertThat(api.delete(db).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get(db).status() == 404);
    }

    private static void awaitStatus(String db, String wanted) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .failFast("the operator simulator failed", () -> operators.lastError() != null)
                .until(() -> api.get(db), r -> wanted.equals(r.text("status")));
    }

    private static GenericKubernetesResource stored(String apiVersion, String kind, String name) {
        return apiServer.client().genericKubernetesResources(apiVersion, kind).inNamespace(namespace).withName(name).get();
    }

    private static Object at(GenericKubernetesResource r, String dotted) {
        return OperatorSimulator.get(r, dotted.split("\\."));
    }

    private static Map<String, String> secret(String name) {
        return apiServer.secret(namespace, name);
    }
}
