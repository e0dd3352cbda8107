package dev.strata.provisioning.driver.kubernetes.simulation;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kubernetes API server for tests: fabric8's mock server in CRUD mode (objects are stored, read back, patched
 * and deleted like on a real API server; no watches), with the four operators' CustomResourceDefinitions
 * registered with a status subresource, so a write to the main resource cannot change status (as on a real
 * cluster). Refusals (403, 409, 422, ...) can be injected for requests matching a method and path.
 * No kube-apiserver can run on the build machines; this is the honest substitute the driver tests talk to.
 */
public final class ApiServerSimulation implements AutoCloseable {

    /** group, plural, kind, version of each operator's custom resource. */
    public static final List<String[]> CUSTOM_RESOURCES = List.of(
            new String[] {"postgresql.cnpg.io", "clusters", "Cluster", "v1"},
            new String[] {"k8s.mariadb.com", "mariadbs", "MariaDB", "v1alpha1"},
            new String[] {"redis.redis.opstreelabs.in", "redis", "Redis", "v1beta2"},
            new String[] {"psmdb.percona.com", "perconaservermongodbs", "PerconaServerMongoDB", "v1"});

    /** An injected refusal: requests with this method whose path contains {@code pathPart} get {@code code}. */
    public record Refusal(String method, String pathPart, int code, String reason, String message) {
    }

    /** Held strongly: a logger only referenced weakly would lose its level. The mock logs every request at INFO. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();

    private ApiServerSimulation(int port) {
        MOCK_LOG.setLevel(Level.WARNING);
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
        Dispatcher dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                for (Refusal r : refusals) {
                    if (r.method().equalsIgnoreCase(request.getMethod()) && request.getPath().contains(r.pathPart())) {
                        return new MockResponse().setResponseCode(r.code()).setHeader("Content-Type", "application/json")
                                .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                                        + quote(r.message()) + ",\"reason\":" + quote(r.reason()) + ",\"code\":" + r.code() + "}");
                    }
                }
                return crud.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client = server.createClient();
        for (String[] cr : CUSTOM_RESOURCES) {
            client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                    .withNewMetadata().withName(cr[1] + "." + cr[0]).endMetadata()
                    .withNewSpec().withGroup(cr[0]).withScope("Namespaced")
                    .withNewNames().withKind(cr[2]).withPlural(cr[1]).withSingular(cr[2].toLowerCase()).endNames()
                    .addNewVersion().withName(cr[3]).withServed(true).withStorage(true)
                    .withNewSubresources().withNewStatus().endStatus().endSubresources().endVersion()
                    .endSpec().build()).create();
        }
    }

    /** Starts on 127.0.0.1 at {@code port} (0: any free port). */
    public static ApiServerSimulation start(int port) {
        return new ApiServerSimulation(port);
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** A client for the test's own looks at the stored objects (and for the operator simulator). */
    public NamespacedKubernetesClient client() {
        return client;
    }

    /** A Secret's data as stored, decoded; null when there is no such Secret. */
    public Map<String, String> secret(String namespace, String name) {
        Secret s = client.secrets().inNamespace(namespace).withName(name).get();
        if (s == null) {
            return null;
        }
        Map<String, String> plain = new LinkedHashMap<>();
        s.getData().forEach((k, v) -> plain.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        return plain;
    }

    public void refuse(Refusal refusal) {
        refusals.add(refusal);
    }

    public void clearRefusals() {
        refusals.clear();
    }

    /** A kubeconfig file pointing at this server, as Strata reads it from {@code STRATA_KUBECONFIG}. */
    public Path writeKubeconfig(Path file) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: simulation
                  cluster:
                    server: %s
                contexts:
                - name: simulation
                  context:
                    cluster: simulation
                    user: strata
                current-context: simulation
                users:
                - name: strata
                  user:
                    token: simulated-service-account-token
                """.formatted(url());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
