import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strata's benchmark: run by bench/run.sh against a Strata it started (JDK only: `java bench/Bench.java`).
 * Arguments: base URL, API key, Payara pid file, results file, command line to record.
 * Measures create -> ready and wake -> ready per engine, API throughput and p99 of list (100 databases), get and
 * a trivial endpoint in the same run, and the control plane's RSS with 0 and 100 databases; writes a Markdown table.
 */
public class Bench {

    static String base;
    static String key;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final int SAMPLES = Integer.getInteger("bench.samples", 20);
    static final int CLIENTS = Integer.getInteger("bench.clients", 16);
    static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    static final int MANY = Integer.getInteger("bench.many", 100);
    static final int ROUNDS = 4;
    /** Create samples are taken in alternating blocks of this many per way. */
    static final int BLOCK = Integer.getInteger("bench.block", 5);
    /** -Dbench.only=create: only create → ready (both ways), a smaller table. */
    static final boolean CREATE_ONLY = "create".equals(System.getProperty("bench.only"));

    record Reply(int status, String body) {
    }

    public static void main(String[] args) throws Exception {
        base = args[0];
        key = args[1];
        Path pidFile = Path.of(args[2]);
        Path results = Path.of(args[3]);
        String command = args[4];
        String ws = field(get("/api/v1/workspaces").body(), "id");
        String dbs = "/api/v1/workspaces/" + ws + "/databases";

        List<String[]> rows = new ArrayList<>();
        long rssEmpty = rss(pidFile);
        System.out.println("RSS with 0 databases: " + rssEmpty / 1024 + " MiB");

        Map<String, double[]> create = new LinkedHashMap<>();
        Map<String, double[]> createAsUsers = new LinkedHashMap<>();
        Map<String, double[]> wake = new LinkedHashMap<>();
        Map<String, double[]> connectWake = new LinkedHashMap<>();
        Map<String, double[]> awakeFirst = new LinkedHashMap<>();
        for (String engine : engines()) {
            // as users do (one keep-alive connection, creates interleaved with deletes a second apart) and back to
            // back (the bench's old way: the next create right after the delete, while its work still runs), in
            // alternating blocks of BLOCK, so that the host's load and the server's JIT warm-up weigh on both alike
            List<Double> asUsers = new ArrayList<>();
            List<Double> created = new ArrayList<>();
            String keep = null;
            while (created.size() < SAMPLES) {
                int n = Math.min(BLOCK, SAMPLES - created.size());
                asUsers.addAll(createReadyAsUsers(dbs, engine, n));
                for (int i = 0; i < n; i++) {
                    String slug = "bench-" + engine + "-" + created.size() + "-" + System.nanoTime() % 100000;
                    long t0 = System.nanoTime();
                    Reply r = send("POST", dbs, "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"" + engine + "\"}");
                    if (r.status() != 201) {
                        throw new IllegalStateException("create " + engine + ": " + r.status() + " " + r.body());
                    }
                    String id = field(r.body(), "id");
                    awaitStatus(dbs + "/" + id, "ready", Duration.ofMinutes(2));
                    created.add((System.nanoTime() - t0) / 1e6);
                    if (keep == null) {
                        keep = id;
                    } else {
                        send("DELETE", dbs + "/" + id, null);
                    }
                }
            }
            createAsUsers.put(engine, stats(asUsers));
            System.out.printf("create -> ready %s as users do: p50 %.0f ms, p95 %.0f ms, all %s%n", engine,
                    createAsUsers.get(engine)[0], createAsUsers.get(engine)[1], rounded(asUsers));
            create.put(engine, stats(created));
            System.out.printf("create -> ready %s back to back: p50 %.0f ms, p95 %.0f ms, all %s%n", engine, create.get(engine)[0],
                    create.get(engine)[1], rounded(created));
            if (CREATE_ONLY) {
                send("DELETE", dbs + "/" + keep, null);
                continue;
            }
            List<Double> woken = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                send("POST", dbs + "/" + keep + "/sleep", "");
                awaitStatus(dbs + "/" + keep, "sleeping", Duration.ofMinutes(1));
                long t0 = System.nanoTime();
                send("POST", dbs + "/" + keep + "/wake", "");
                awaitStatus(dbs + "/" + keep, "ready", Duration.ofMinutes(1));
                woken.add((System.nanoTime() - t0) / 1e6);
            }
            wake.put(engine, stats(woken));
            System.out.printf("wake -> ready %s: p50 %.0f ms, p95 %.0f ms%n", engine, wake.get(engine)[0], wake.get(engine)[1]);
            // wake on connect: a client connects to the sleeping database's port and waits for the server's first
            // answer (nobody calls /wake): the delay an application sees on its first connection
            int port = Integer.parseInt(get(dbs + "/" + keep + "/connection").body().replaceAll("(?s).*\"port\":(\\d+).*", "$1"));
            List<Double> byConnect = new ArrayList<>();
            List<Double> awakeRoundTrip = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                send("POST", dbs + "/" + keep + "/sleep", "");
                awaitStatus(dbs + "/" + keep, "sleeping", Duration.ofMinutes(1));
                byConnect.add(firstAnswerMillis(engine, port));
                awaitStatus(dbs + "/" + keep, "ready", Duration.ofMinutes(1));
                awakeRoundTrip.add(firstAnswerMillis(engine, port));
            }
            connectWake.put(engine, stats(byConnect));
            awakeFirst.put(engine, stats(awakeRoundTrip));
            System.out.printf("wake on connect %s: first answer p50 %.0f ms, p95 %.0f ms (awake: p50 %.1f ms)%n", engine,
                    connectWake.get(engine)[0], connectWake.get(engine)[1], awakeFirst.get(engine)[0]);
            send("DELETE", dbs + "/" + keep, null);
        }

        if (CREATE_ONLY) {
            StringBuilder md = new StringBuilder();
            md.append("Measured ").append(Instant.now().toString(), 0, 16).append("Z, command: `").append(command).append("`\n\n");
            md.append("| measurement | result | goal | met |\n|---|---|---|---|\n");
            createRows(md, createAsUsers, create);
            Files.writeString(results, md.toString());
            System.out.println(md);
            return;
        }

        // many databases: the list endpoint then returns 100 of them, and the RSS is measured with them
        List<String> many = new ArrayList<>();
        for (int i = 0; i < MANY; i++) {
            String slug = "many-" + i + "-" + System.nanoTime() % 100000;
            Reply created = send("POST", dbs, "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"redis\"}");
            if (created.status() != 201) {
                throw new IllegalStateException("creating database " + (i + 1) + " of " + MANY + ": " + created.status() + " " + created.body());
            }
            many.add(field(created.body(), "id"));
        }
        for (String id : many) {
            awaitStatus(dbs + "/" + id, "ready", Duration.ofMinutes(5));
        }
        Thread.sleep(5000); // let a few reconcile passes run with all of them
        long rssMany = rss(pidFile);
        System.out.println("RSS with " + MANY + " databases: " + rssMany / 1024 + " MiB");

        String one = many.get(0);
        // the four endpoints in alternating slices (ROUNDS x SECONDS/ROUNDS each), so that JIT warm-up, the
        // reconciler's passes and the host's other work weigh on all of them alike
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("trivial", "/health/live");
        paths.put("workspaces", "/api/v1/workspaces");
        paths.put("list", dbs + "?limit=100");
        paths.put("get", dbs + "/" + one);
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        for (String k : paths.keySet()) {
            samples.put(k, new ArrayList<>());
            load(paths.get(k), 2); // warm-up
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, String> e : paths.entrySet()) {
                samples.get(e.getKey()).addAll(load(e.getValue(), SECONDS / ROUNDS));
            }
        }
        double[] trivial = summary(samples.get("trivial"));
        double[] workspaces = summary(samples.get("workspaces"));
        double[] list = summary(samples.get("list"));
        double[] single = summary(samples.get("get"));
        System.out.printf("trivial %.0f req/s p99 %.1f ms; workspaces %.0f req/s p99 %.1f ms; list %.0f req/s p99 %.1f ms; get %.0f req/s p99 %.1f ms%n",
                trivial[0], trivial[1], workspaces[0], workspaces[1], list[0], list[1], single[0], single[1]);
        for (String id : many) {
            send("DELETE", dbs + "/" + id, null);
        }

        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Measured ").append(Instant.now().toString(), 0, 16).append("Z on this machine: ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(memTotalGiB()).append(" GiB; Strata (Payara Server, local servers) and the load generator on the same host.\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("| measurement | result | goal | met |\n|---|---|---|---|\n");
        createRows(md, createAsUsers, create);
        for (String engine : wake.keySet()) {
            double[] w = wake.get(engine);
            md.append(String.format("| wake → ready, %s (n=%d) | p50 %.0f ms, p95 %.0f ms | p50 ≤ 300 ms | %s |%n", engine, SAMPLES, w[0], w[1], w[0] <= 300 ? "yes" : "no"));
        }
        for (String engine : connectWake.keySet()) {
            double[] w = connectWake.get(engine);
            md.append(String.format("| wake on connect, %s: connect to the sleeping database's port → the server's first answer (n=%d) | p50 %.0f ms, p95 %.0f ms (awake, through the front door: p50 %.1f ms) | p50 ≤ 300 ms | %s |%n",
                    engine, SAMPLES, w[0], w[1], awakeFirst.get(engine)[0], w[0] <= 300 ? "yes" : "no"));
        }
        md.append(String.format("| trivial API endpoint `GET /api/v1/workspaces` (authenticated, one tiny query; %d clients, %d s in %d slices) | %.0f req/s, p99 %.1f ms | | |%n", CLIENTS, SECONDS, ROUNDS, workspaces[0], workspaces[1]));
        md.append(String.format("| list `GET …/databases?limit=100` (%d databases on the page) | %.0f req/s, p99 %.1f ms = %.2f× trivial | p99 ≤ 2× trivial | %s |%n",
                MANY, list[0], list[1], list[1] / workspaces[1], list[1] <= 2 * workspaces[1] ? "yes" : "no"));
        md.append(String.format("| get `GET …/databases/{id}` | %.0f req/s, p99 %.1f ms = %.2f× trivial | | |%n", single[0], single[1], single[1] / workspaces[1]));
        md.append(String.format("| for reference: `GET /health/live` (no authentication, no database) | %.0f req/s, p99 %.1f ms | | |%n", trivial[0], trivial[1]));
        md.append(String.format("| control-plane RSS, 0 databases | %d MiB | | |%n", rssEmpty / 1024));
        md.append(String.format("| control-plane RSS, %d databases (redis) | %d MiB | | |%n", MANY, rssMany / 1024));
        md.append("\n");
        md.append("How to read it: the load generator shares the host with the server, so compare ratios within a run; the\n");
        md.append("host's load average (`/proc/loadavg`, 1 min) was ").append(LOAD_AT_START).append(" when the run began and ")
                .append(loadAverage()).append(" at its end: on a host that is busy with other work every latency here grows (see\n");
        md.append("bench/README.md, \"Why 'as users do' and the old figures disagreed\").\n\n");
        md.append("Why the figures are what they are:\n");
        md.append("\n");
        md.append("- create → ready: PostgreSQL and MariaDB data directories are copies of a per-version template (one `initdb` /\n");
        md.append("  `mariadb-install-db` per version); PostgreSQL's users and database are made by a single-user backend in the copy\n");
        md.append("  before the server first listens, then one `syncfs`, `pg_ctl start`; Redis is a config file and a process.\n");
        md.append("  The warm pool (`STRATA_WARM_POOL_<ENGINE>`, bench/warmpool) goes below what a cold start allows.\n");
        md.append("- wake → ready: the data is already on disk; the reconciler is kicked the moment the wake commits, and the server\n");
        md.append("  starts on existing data (`pg_ctl start`, `mariadbd`, `redis-server`), then answers its own protocol.\n");
        md.append("- wake on connect: Strata's front door holds a slept database's port; the first connection commits a wake, the\n");
        md.append("  reconciler starts the server (on a loopback port of its own) and the front door passes the waiting connection\n");
        md.append("  through. Measured with a raw socket: PostgreSQL's SSLRequest answered, MariaDB's greeting, Redis's answer to PING.\n");
        md.append("- list p99 vs the trivial API endpoint: a page is read without change tracking (EclipseLink read-only query) and\n");
        md.append("  serialised once. Server and load generator share 2 cores, so between runs the ratio moves by about ±0.2.\n");
        md.append("- RSS: Payara Server with the JVM settings `./strata run` writes into its domain (README, \"Start time and memory\");\n");
        md.append("  the memory goal after a 10-minute load and a 30-minute soak is measured by bench/memory.\n");
        md.append("\n");
        Files.writeString(results, md.toString());
        System.out.println(md);
    }

    static final String LOAD_AT_START = loadAverage();

    static String loadAverage() {
        try {
            return Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** The cold create goals of issue 18 (no warm pool): PostgreSQL 1 s, MySQL 0.6 s, Redis 0.15 s at the median. */
    static final Map<String, Integer> CREATE_GOAL_MS = Map.of("postgresql", 1000, "mysql", 600, "redis", 150);

    static void createRows(StringBuilder md, Map<String, double[]> asUsers, Map<String, double[]> backToBack) {
        for (String engine : backToBack.keySet()) {
            Integer goal = CREATE_GOAL_MS.get(engine);
            for (boolean users : new boolean[] {true, false}) {
                double[] c = (users ? asUsers : backToBack).get(engine);
                md.append(String.format("| create → ready, %s, %s (n=%d) | p50 %.0f ms, p95 %.0f ms | %s | %s |%n", engine,
                        users ? "as users do (one keep-alive connection; delete, 1 s, next create)" : "back to back (next create right after the delete)",
                        SAMPLES, c[0], c[1], goal == null ? "" : "p50 ≤ " + goal + " ms", goal == null ? "" : c[0] <= goal ? "yes" : "no"));
            }
        }
    }

    /**
     * Create → ready as the user measured it: every request of the loop on ONE HTTP/1.1 keep-alive connection
     * (a client of its own, used by one thread), the database's GET every 10 ms until ready, then its delete, a
     * second's pause, and the next create: each create meets the reconciler while the previous delete's work may
     * still run, with the host's page cache holding that delete's and that create's dirty pages.
     */
    static List<Double> createReadyAsUsers(String dbs, String engine, int n) throws Exception {
        HttpClient one = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String slug = "user-" + engine + "-" + i + "-" + System.nanoTime() % 100000;
            long t0 = System.nanoTime();
            Reply r = send(one, "POST", dbs, "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\",\"engine\":\"" + engine + "\"}");
            if (r.status() != 201) {
                throw new IllegalStateException("create " + engine + ": " + r.status() + " " + r.body());
            }
            String id = field(r.body(), "id");
            long end = t0 + Duration.ofMinutes(2).toNanos();
            while (true) {
                Reply g = send(one, "GET", dbs + "/" + id, null);
                String now = field(g.body(), "status");
                if ("ready".equals(now)) {
                    break;
                }
                if ("error".equals(now) || System.nanoTime() > end) {
                    throw new IllegalStateException(id + " not ready: " + g.body());
                }
                Thread.sleep(10); // the user's polling interval (the workload, not synchronisation)
            }
            out.add((System.nanoTime() - t0) / 1e6);
            send(one, "DELETE", dbs + "/" + id, null);
            Thread.sleep(1000); // the user's pause between a delete and the next create
        }
        return out;
    }

    static String rounded(List<Double> samples) {
        return samples.stream().map(d -> String.valueOf(Math.round(d))).collect(java.util.stream.Collectors.joining(" "));
    }

    /**
     * Milliseconds from connecting to the database's port to the first byte of the server's answer to the cheapest
     * opening of its protocol (PostgreSQL: SSLRequest; MariaDB: the server speaks first; Redis: an inline PING).
     */
    static double firstAnswerMillis(String engine, int port) throws Exception {
        long t0 = System.nanoTime();
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(120_000);
            if (engine.equals("postgresql")) {
                s.getOutputStream().write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
            } else if (engine.equals("redis")) {
                s.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            s.getOutputStream().flush();
            if (s.getInputStream().read() < 0) {
                throw new IllegalStateException(engine + " on port " + port + " closed the connection without an answer");
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static List<String> engines() {
        String list = System.getProperty("bench.engines", "postgresql,mysql,redis");
        return List.of(list.split(","));
    }

    /** Latencies (ns) of GET path with CLIENTS concurrent clients for {@code seconds}. */
    static List<Long> load(String path, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            running.add(pool.submit(() -> {
                List<Long> mine = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        if (get(path).status() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    mine.add(System.nanoTime() - t0);
                }
                latencies.addAll(mine);
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " errors on " + path);
        }
        return latencies;
    }

    /** {requests per second, p99 ms} of the samples of SECONDS in all. */
    static double[] summary(List<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new double[] {sorted.size() / (double) SECONDS, sorted.get((int) (0.99 * (sorted.size() - 1))) / 1e6};
    }

    static double[] stats(List<Double> samples) {
        List<Double> s = new ArrayList<>(samples);
        Collections.sort(s);
        return new double[] {s.get((int) Math.round(0.50 * (s.size() - 1))), s.get((int) Math.round(0.95 * (s.size() - 1)))};
    }

    static void awaitStatus(String path, String status, Duration within) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            String body = get(path).body();
            String now = field(body, "status");
            if (status.equals(now)) {
                return;
            }
            if ("error".equals(now)) {
                throw new IllegalStateException(path + " failed: " + body);
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException(path + " not " + status + " within " + within);
    }

    static long rss(Path pidFile) throws Exception {
        String pid = Files.readString(pidFile).trim();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")); // KiB
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    static long memTotalGiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0);
            }
        }
        return 0;
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static Reply get(String path) throws Exception {
        return send("GET", path, null);
    }

    static Reply send(String method, String path, String body) throws Exception {
        return send(HTTP, method, path, body);
    }

    static Reply send(HttpClient client, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }
}
