import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * What an acknowledged write costs through the public API: N sequential {@code POST /api/v1/projects} (one short
 * metadata transaction each, nothing else) against N sequential {@code GET /api/v1/workspaces} (one tiny read), one
 * client, HTTP/1.1 as curl speaks. Prints p50/p90/p99 of each.
 *
 *   java bench/metadata/ApiWrites.java http://127.0.0.1:8080 strata_sk_... 500
 */
public class ApiWrites {
    public static void main(String[] a) throws Exception {
        String base = a[0], key = a[1];
        int n = Integer.parseInt(a[2]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        for (int warm = 0; warm < 50; warm++) {
            send(http, base, key, "GET", "/api/v1/workspaces", null, 200);
            send(http, base, key, "POST", "/api/v1/projects", "{\"name\":\"warm " + warm + "\"}", 201);
        }
        double[] reads = new double[n], writes = new double[n];
        for (int i = 0; i < n; i++) {
            reads[i] = send(http, base, key, "GET", "/api/v1/workspaces", null, 200);
            writes[i] = send(http, base, key, "POST", "/api/v1/projects", "{\"name\":\"bench " + i + "\"}", 201);
        }
        System.out.println("GET  /api/v1/workspaces " + stats(reads));
        System.out.println("POST /api/v1/projects   " + stats(writes));
    }

    static double send(HttpClient http, String base, String key, String method, String path, String body, int expect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key);
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() != expect) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return ms;
    }

    static String stats(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format("n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms", s.length, s[s.length / 2], s[s.length * 9 / 10], s[s.length * 99 / 100]);
    }
}
