package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Crash recovery under load: 12 databases (PostgreSQL, MySQL, Redis) created at once, then resizes, deletes, new
 * creates and a sleep at once, with the control plane SIGKILLed three times in the middle of that work. After the
 * last restart every database reaches its desired state with exactly one server process (none when sleeping),
 * deleted ones leave no process, directory or listening port, and every row written before the crashes is there.
 * Databases that were running at a kill keep serving while the control plane is down and are adopted after it (the
 * same server process); a PostgreSQL database killed while provisioning leaves nothing half-made in its directory.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CrashRecoveryStressIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private final TestDatabases dbs = new TestDatabases(api, api.workspaceId());

    @Test
    void everyDatabaseEndsInItsDesiredStateAfterRepeatedKills() throws Exception {
        Map<String, String> engineOf = new LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        try {
            // 1. twelve creates at once; the control plane dies while they are being provisioned
            List<String[]> first = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                first.add(new String[] {"stress-" + i, i < 6 ? "postgresql" : i < 9 ? "mysql" : "redis"});
            }
            for (Map.Entry<String, String> e : createAll(first).entrySet()) {
                engineOf.put(e.getKey(), e.getValue());
                all.add(e.getKey());
            }
            ControlPlane.kill();
            ControlPlane.start();
            awaitAll(engineOf.keySet(), "ready");

            // user data in every database
            for (String id : engineOf.keySet()) {
                write(id, engineOf.get(id), "before the crashes");
            }

            // 2. resizes, deletes, creates and a sleep, all at once; killed twice while the reconciler works on them
            List<String> ids = new ArrayList<>(engineOf.keySet());
            List<String> resized = List.of(ids.get(0), ids.get(1), ids.get(6));
            List<String> deleted = List.of(ids.get(2), ids.get(7), ids.get(9));
            String slept = ids.get(3);
            // running through all of this: it keeps serving while the control plane is down, and is adopted after
            String bystander = ids.get(4);
            long bystanderPid = Host.serverProcesses(bystander).get(0);
            String bystanderJdbc = dbs.connection(bystander).path("jdbcUrl").asText();
            Map<String, Integer> deletedPorts = new LinkedHashMap<>();
            for (String id : deleted) {
                deletedPorts.put(id, dbs.connection(id).path("port").asInt());
            }
            // a project with a bucket (and so a storage key), deleted in the same burst
            String project = api.post("/api/v1/projects", "{\"name\":\"stress project\"}").text("id");
            Api.Reply bucket = api.post("/api/v1/storage/buckets", "{\"projectId\":\"" + project + "\",\"name\":\"stress-bucket\"}");
            assertThat(bucket.status()).as(bucket.raw()).isEqualTo(201);
            assertThat(Host.DATA_DIR.resolve("objects/buckets/" + project)).isDirectory();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Api.Reply>> calls = new ArrayList<>();
            calls.add(pool.submit(() -> api.delete("/api/v1/projects/" + project)));
            for (String id : resized) {
                calls.add(pool.submit(() -> api.patch(dbs.path(id), "{\"memory\":\"1Gi\"}")));
            }
            for (String id : deleted) {
                calls.add(pool.submit(() -> api.delete(dbs.path(id))));
            }
            calls.add(pool.submit(() -> api.post(dbs.path(slept) + "/sleep", "")));
            Map<String, String> second = createAll(List.of(new String[] {"stress-new-0", "postgresql"}, new String[] {"stress-new-1", "postgresql"},
                    new String[] {"stress-new-2", "mysql"}, new String[] {"stress-new-3", "redis"}));
            all.addAll(second.keySet());
            for (Future<Api.Reply> f : calls) {
                assertThat(f.get().status()).as(f.get().raw()).isIn(200, 202, 204);
            }
            pool.shutdown();
            ControlPlane.kill();
            try (Connection c = DriverManager.getConnection(bystanderJdbc); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT v FROM stress")) {
                assertThat(rs.next() ? rs.getString(1) : null).as("a running database serves while the control plane is down")
                        .isEqualTo("before the crashes");
            }
            ControlPlane.start();
            // killed again as soon as the restarted reconciler has visibly resumed the work
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() ->
                    deleted.stream().anyMatch(id -> api.get(dbs.path(id)).status() == 404)
                            || second.keySet().stream().anyMatch(id -> "ready".equals(api.get(dbs.path(id)).text("status"))));
            ControlPlane.kill();
            ControlPlane.start();

            // 3. everything ends where it was asked to be
            engineOf.putAll(second);
            for (String id : deleted) {
                engineOf.remove(id);
            }
            List<String> awake = new ArrayList<>(engineOf.keySet());
            awake.remove(slept);
            awaitAll(awake, "ready");
            awaitAll(List.of(slept), "sleeping");
            for (String id : deleted) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> api.get(dbs.path(id)).status() == 404);
            }

            for (String id : awake) {
                assertThat(Host.serverProcesses(id)).as("server processes of " + id + " (" + engineOf.get(id) + ")").hasSize(1);
            }
            assertThat(Host.serverProcesses(bystander)).as("adopted after three kills, not started again").containsExactly(bystanderPid);
            // PostgreSQL databases whose provisioning a kill cut: their data, log and certificate, nothing half-made
            for (String id : List.of(ids.get(4), ids.get(5))) {
                assertThat(leftovers(id)).as("scratch files of " + id).isEmpty();
            }
            for (Map.Entry<String, String> e : second.entrySet()) {
                if (e.getValue().equals("postgresql")) {
                    assertThat(leftovers(e.getKey())).as("scratch files of " + e.getKey()).isEmpty();
                }
            }
            assertThat(Host.anyProcessOf(slept)).as("a sleeping database runs nothing").isEmpty();
            java.util.Set<Integer> livePorts = new java.util.HashSet<>();
            java.util.Set<Long> liveServers = new java.util.HashSet<>();
            for (String id : awake) {
                livePorts.add(dbs.connection(id).path("port").asInt());
                liveServers.addAll(Host.anyProcessOf(id));
            }
            livePorts.add(dbs.connection(slept).path("port").asInt()); // held by the front door while it sleeps
            for (String id : deleted) {
                assertThat(Host.anyProcessOf(id)).as("processes of deleted " + id).isEmpty();
                // a freed port may have been handed to one of the live databases (as its port, or as a second port of
                // its own: a Redis's TLS port, a woken server's private port); otherwise nothing listens on it
                int port = deletedPorts.get(id);
                if (!livePorts.contains(port) && listening(port)) {
                    java.util.Set<Long> owners = listeners(port);
                    assertThat(owners).as("port " + port + " of deleted " + id + " is listened on by " + owners
                            + ", not by a server of a live database " + liveServers).isNotEmpty().isSubsetOf(liveServers);
                }
            }
            assertThat(Host.instanceDirs()).doesNotContainAnyElementsOf(deleted).containsAll(engineOf.keySet());
            for (String id : resized) {
                assertThat(api.get(dbs.path(id)).text("memory")).isEqualTo("1Gi");
            }
            // the deleted project left no bucket, key or object directory behind
            assertThat(api.get("/api/v1/projects/" + project).status()).isEqualTo(404);
            assertThat(api.get("/api/v1/storage/buckets/" + bucket.text("id")).status()).isEqualTo(404);
            assertThat(api.get("/api/v1/projects/" + project + "/storage-keys").status()).isEqualTo(404);
            assertThat(Host.DATA_DIR.resolve("objects/buckets/" + project)).doesNotExist();
            // no lost rows: what was written before the crashes is there (the slept one after waking it)
            assertThat(api.post(dbs.path(slept) + "/wake", "").status()).isEqualTo(202);
            dbs.awaitStatus(slept, "ready", Duration.ofSeconds(90));
            for (String id : engineOf.keySet()) {
                if (!second.containsKey(id)) {
                    assertThat(read(id, engineOf.get(id))).as("data of " + id).isEqualTo("before the crashes");
                }
            }
        } finally {
            for (String id : all) {
                dbs.deleteQuietly(id);
            }
        }
    }

    /** Anything in a PostgreSQL database's directory that a finished create would not leave (scratch dirs, password files). */
    private static List<String> leftovers(String id) throws Exception {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(Host.instanceDir(id))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("data") && !n.equals("server.log") && !n.equals("tls")).toList();
        }
    }

    /** POSTs all at once; the ids by engine. */
    private Map<String, String> createAll(List<String[]> slugAndEngine) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(slugAndEngine.size());
        Map<String, Future<Api.Reply>> replies = new LinkedHashMap<>();
        for (String[] s : slugAndEngine) {
            replies.put(s[1] + "|" + s[0], pool.submit(() -> api.post(dbs.base(),
                    "{\"name\":\"" + s[0] + "\",\"slug\":\"" + s[0] + "\",\"engine\":\"" + s[1] + "\",\"memory\":\"256Mi\"}")));
        }
        Map<String, String> ids = new LinkedHashMap<>();
        for (Map.Entry<String, Future<Api.Reply>> e : replies.entrySet()) {
            Api.Reply r = e.getValue().get();
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
            ids.put(r.text("id"), e.getKey().substring(0, e.getKey().indexOf('|')));
        }
        pool.shutdown();
        return ids;
    }

    private void awaitAll(Iterable<String> ids, String status) {
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(api.get(dbs.path(id)).text("status")).as(id).isEqualTo(status));
        }
    }

    private void write(String id, String engine, String value) throws Exception {
        var conn = dbs.connection(id);
        if (engine.equals("redis")) {
            try (Jedis j = new Jedis(URI.create(conn.path("uri").asText()))) {
                j.set("stress", value);
            }
        } else {
            try (Connection c = DriverManager.getConnection(conn.path("jdbcUrl").asText()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE stress (v varchar(100))");
                s.execute("INSERT INTO stress VALUES ('" + value + "')");
            }
        }
    }

    private String read(String id, String engine) throws Exception {
        var conn = dbs.connection(id);
        if (engine.equals("redis")) {
            try (Jedis j = new Jedis(URI.create(conn.path("uri").asText()))) {
                return j.get("stress");
            }
        }
        try (Connection c = DriverManager.getConnection(conn.path("jdbcUrl").asText()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM stress")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The pids that listen on TCP {@code port} (ss -ltnp; as root, which the tests' servers need anyway). */
    private static java.util.Set<Long> listeners(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-ltnpH", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes());
        ss.waitFor();
        java.util.Set<Long> pids = new java.util.HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(out);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
