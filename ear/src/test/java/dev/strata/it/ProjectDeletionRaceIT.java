package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A project's deletion racing the work users do inside it, each race started at the same instant from two threads
 * (a barrier), several rounds each: whichever wins, nothing of the deleted project remains afterwards — no
 * database (listed, or as a server process or instance directory), no bucket (listed, or as files), no working S3
 * key — and concurrent creates with derived slugs all succeed with distinct slugs.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProjectDeletionRaceIT {

    private static final int ROUNDS = 6;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(12);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final String ws = api.workspaceId();

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    @Test
    void deleteAgainstDatabaseCreate() throws Exception {
        int created = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String project = createProject("race db " + round);
            String engine = round % 3 == 2 ? "postgresql" : "redis";
            long offset = round * 8L; // the delete starts 0-40 ms after the create: both orders, and overlaps between them
            List<Api.Reply> replies = race(
                    () -> api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"" + engine + "\"}"),
                    () -> {
                        java.util.concurrent.locks.LockSupport.parkNanos(offset * 1_000_000);
                        return api.delete("/api/v1/projects/" + project);
                    });
            Api.Reply create = replies.get(0);
            assertThat(create.status()).as(create.raw()).isIn(201, 422);
            assertThat(replies.get(1).status()).as(replies.get(1).raw()).isEqualTo(204);
            assertProjectGone(project);
            if (create.status() == 201) {
                created++;
                assertDatabaseGone(create.text("id"));
            }
        }
        System.out.println("database create came first in " + created + " of " + ROUNDS + " rounds");
    }

    @Test
    void deleteAgainstBucketCreateAndKeyUse() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String project = createProject("race bucket " + round);
            String bucket = "race-" + round + "-" + System.nanoTime() % 100000;
            List<String[]> keys = new ArrayList<>();
            List<Api.Reply> replies = race(() -> {
                Api.Reply r = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"" + bucket + "\"}");
                if (r.status() == 201) {
                    // what an application does next: read its credentials and write
                    Api.Reply env = api.get("/api/v1/projects/" + project + "/env");
                    if (env.status() == 200) {
                        String key = null;
                        String secret = null;
                        for (var v : env.json().path("data")) {
                            if (v.path("name").asText().equals("STORAGE_KEY")) {
                                key = v.path("value").asText();
                            } else if (v.path("name").asText().equals("STORAGE_SECRET")) {
                                secret = v.path("value").asText();
                            }
                        }
                        if (key != null) {
                            synchronized (keys) {
                                keys.add(new String[] {key, secret});
                            }
                            try (S3Client s3 = s3(key, secret)) {
                                catchThrowable(() -> s3.putObject(p -> p.bucket(bucket).key("during-the-race.txt"), RequestBody.fromString("x")));
                            }
                        }
                    }
                }
                return r;
            }, () -> api.delete("/api/v1/projects/" + project));
            Api.Reply create = replies.get(0);
            assertThat(create.status()).as(create.raw()).isIn(201, 422);
            assertThat(replies.get(1).status()).as(replies.get(1).raw()).isEqualTo(204);
            assertProjectGone(project);
            if (create.status() == 201) {
                assertThat(api.get("/api/v1/storage/buckets/" + create.text("id")).status()).isEqualTo(404);
            }
            assertThat(api.get("/api/v1/storage/buckets?projectId=" + project).json().path("data")).isEmpty();
            assertNoWorkingKey(bucket, keys);
        }
    }

    @Test
    void deleteAgainstKeyMinting() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String project = createProject("race key " + round);
            List<Api.Reply> replies = race(
                    () -> api.post("/api/v1/projects/" + project + "/storage-keys", ""),
                    () -> api.delete("/api/v1/projects/" + project));
            Api.Reply mint = replies.get(0);
            assertThat(mint.status()).as(mint.raw()).isIn(201, 404);
            assertThat(replies.get(1).status()).as(replies.get(1).raw()).isEqualTo(204);
            assertProjectGone(project);
            List<String[]> keys = mint.status() == 201
                    ? List.<String[]>of(new String[] {mint.text("accessKeyId"), mint.text("secretAccessKey")}) : List.of();
            assertNoWorkingKey("any-bucket", keys);
        }
    }

    @Test
    void concurrentDerivedSlugsAllSucceed() throws Exception {
        String project = createProject("Slug Race");
        try {
            CyclicBarrier start = new CyclicBarrier(10);
            List<Future<Api.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(POOL.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return api.post("/api/v1/databases", "{\"projectId\":\"" + project + "\",\"engine\":\"redis\"}");
                }));
            }
            Set<String> slugs = new HashSet<>();
            for (Future<Api.Reply> f : futures) {
                Api.Reply r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.raw()).isEqualTo(201);
                slugs.add(r.text("slug"));
            }
            assertThat(slugs).hasSize(10).contains("slug-race-redis").allMatch(s -> s.matches("slug-race-redis(-\\d+)?"));
        } finally {
            // while the reconciler is still building the ten servers: the delete must not lose to its bookkeeping
            Api.Reply deleted = api.delete("/api/v1/projects/" + project);
            assertThat(deleted.status()).as(deleted.raw()).isEqualTo(204);
        }
        assertProjectGone(project);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Runs both calls at the same instant (a barrier), returns their replies in order. */
    @SafeVarargs
    private static List<Api.Reply> race(Callable<Api.Reply>... calls) throws Exception {
        CyclicBarrier start = new CyclicBarrier(calls.length);
        List<Future<Api.Reply>> futures = new ArrayList<>();
        for (Callable<Api.Reply> c : calls) {
            futures.add(POOL.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                return c.call();
            }));
        }
        List<Api.Reply> replies = new ArrayList<>();
        for (Future<Api.Reply> f : futures) {
            replies.add(f.get(120, TimeUnit.SECONDS));
        }
        return replies;
    }

    private String createProject(String name) {
        Api.Reply r = api.post("/api/v1/projects", "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.text("id");
    }

    /** The project, its databases (listed, processes, directories) and its object store namespace are all gone. */
    private void assertProjectGone(String project) {
        assertThat(api.get("/api/v1/projects/" + project).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/storage/buckets?projectId=" + project).json().path("data")).isEmpty();
        Path objects = Host.DATA_DIR.resolve("objects").resolve("buckets").resolve(project);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Api.Reply list = api.get("/api/v1/databases?projectId=" + project);
            assertThat(list.json().path("data")).as(list.raw()).isEmpty();
            assertThat(Files.exists(objects)).as(objects.toString()).isFalse();
        });
    }

    private void assertDatabaseGone(String db) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(api.get("/api/v1/workspaces/" + ws + "/databases/" + db).status()).isEqualTo(404);
            assertThat(Host.anyProcessOf(db)).as("processes of " + db).isEmpty();
            assertThat(Files.exists(Host.instanceDir(db))).as("instance directory of " + db).isFalse();
        });
    }

    /** Every key seen during the race is refused by the S3 endpoint, for reading and for writing. */
    private static void assertNoWorkingKey(String bucket, List<String[]> keys) {
        for (String[] k : keys) {
            try (S3Client s3 = s3(k[0], k[1])) {
                Throwable list = catchThrowable(s3::listBuckets);
                assertThat(list).as("ListBuckets with " + k[0]).isInstanceOf(S3Exception.class);
                assertThat(((S3Exception) list).statusCode()).isEqualTo(403);
                Throwable put = catchThrowable(() -> s3.putObject(p -> p.bucket(bucket).key("after.txt"), RequestBody.fromString("x")));
                assertThat(put).as("PutObject with " + k[0]).isInstanceOf(S3Exception.class);
                assertThat(((S3Exception) put).statusCode()).isEqualTo(403);
            }
        }
    }

    private static S3Client s3(String key, String secret) {
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + System.getProperty("it.s3.port")))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .build();
    }
}
