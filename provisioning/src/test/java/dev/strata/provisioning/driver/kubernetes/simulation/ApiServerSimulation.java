package dev.strata.provisioning.driver.kubernetes.simulation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.ObjectMapper;

/**
 * A Kubernetes API server for tests: fabric8's mock server in CRUD mode (objects are stored, read back, patched
 * and deleted like on a real API server; no watches), with the operators' real CustomResourceDefinitions
 * registered from {@code ../shared/crds} ({@link CrdSchemas}): every create and update of their kinds is pruned,
 * defaulted and validated by the served version's {@code openAPIV3Schema} as the API server does
 * ({@link StructuralSchema}; refusals are 422 Invalid with field causes), and where a kind has a status
 * subresource a write to the resource cannot change status nor a write to {@code /status} anything else (as on a
 * real cluster). Operators register their admission webhooks ({@link #admission}), which see every create and update
 * of their kind (not of its status) the way the API server calls them: mutating ones may rewrite the object,
 * validating ones may refuse it with 422. Refusals (403, 409, 422, ...) can be injected for requests matching a
 * method and path. Every request is counted ({@link #requests}). Requests are served one at a time, so an
 * update computed from the stored object cannot interleave with another write.
 * No kube-apiserver can run on the build machines; this is the honest substitute the driver tests talk to.
 */
public final class ApiServerSimulation implements AutoCloseable {

    /**
     * group, plural, kind, version of each operator's main custom resource (every CRD of the files is registered;
     * these must be among them).
     */
    public static final List<String[]> CUSTOM_RESOURCES = List.of(
            new String[] {"postgresql.cnpg.io", "clusters", "Cluster", "v1"},
            new String[] {"k8s.mariadb.com", "mariadbs", "MariaDB", "v1alpha1"},
            new String[] {"redis.redis.opstreelabs.in", "redis", "Redis", "v1beta2"},
            new String[] {"psmdb.percona.com", "perconaservermongodbs", "PerconaServerMongoDB", "v1"});

    /** An injected refusal: requests with this method whose path contains {@code pathPart} get {@code code}. */
    public record Refusal(String method, String pathPart, int code, String reason, String message) {
    }

    /**
     * An operator's admission webhook for one kind, as the API server calls it on create and update (after
     * applying a patch to the stored object, before storing the result): it may change {@code object} in place
     * (a mutating webhook) and answers null to admit it, or the message of its refusal, which the API server
     * returns as 422 Invalid. {@code old} is the stored object on update, null on create. A webhook that cannot
     * decode the object throws; the API server returns that as 400 Bad Request (controller-runtime's
     * {@code admission.Errored(http.StatusBadRequest, ...)}).
     */
    @FunctionalInterface
    public interface AdmissionWebhook {
        String admit(JsonObject old, JsonObject object);
    }

    /** A request as received: method and path (with its query). */
    public record Request(String method, String path) {
    }

    /** Held strongly: a logger only referenced weakly would lose its level. The mock logs every request at INFO. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private final List<Request> received = new CopyOnWriteArrayList<>();
    /** Webhooks by the resource they watch, {@code <group>/<plural>}, each with its name. */
    private final Map<String, Map<String, AdmissionWebhook>> webhooks = new ConcurrentHashMap<>();
    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
    /** Held while a request is served: requests are served one at a time. */
    private final Object serving = new Object();
    /** The operators' real CRDs, whose schemas every write of their kinds goes through. */
    private final CrdSchemas schemas;
    private static CrdSchemas loaded;

    /**
     * The CRDs, read once per JVM (the files do not change while tests run; parsing them takes a while), with
     * their CEL rules compiled now rather than while the first request waits.
     */
    private static synchronized CrdSchemas schemasOnce() {
        if (loaded == null) {
            loaded = CrdSchemas.load();
            loaded.uncheckedRules();
        }
        return loaded;
    }

    private ApiServerSimulation(int port) {
        MOCK_LOG.setLevel(Level.WARNING);
        schemas = schemasOnce();
        Dispatcher dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                received.add(new Request(request.getMethod(), request.getPath()));
                for (Refusal r : refusals) {
                    if (r.method().equalsIgnoreCase(request.getMethod()) && request.getPath().contains(r.pathPart())) {
                        return status(r.code(), r.reason(), r.message());
                    }
                }
                synchronized (serving) {
                    return admitted(request);
                }
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client = server.createClient();
        for (CrdSchemas.Crd crd : schemas.all()) {
            var spec = new CustomResourceDefinitionBuilder()
                    .withNewMetadata().withName(crd.plural() + "." + crd.group()).endMetadata()
                    .withNewSpec().withGroup(crd.group()).withScope(crd.namespaced() ? "Namespaced" : "Cluster")
                    .withNewNames().withKind(crd.kind()).withPlural(crd.plural()).withSingular(crd.singular()).endNames();
            for (String version : crd.servedVersions().keySet()) {
                var v = spec.addNewVersion().withName(version).withServed(true).withStorage(version.equals(crd.storageVersion()));
                if (crd.statusSubresource()) {
                    v.withNewSubresources().withNewStatus().endStatus().endSubresources();
                }
                v.endVersion();
            }
            client.apiextensions().v1().customResourceDefinitions().resource(spec.endSpec().build()).create();
        }
        for (String[] cr : CUSTOM_RESOURCES) {
            if (schemas.schema(cr[0], cr[3], cr[1]) == null) {
                throw new IllegalStateException("no CRD serving " + cr[0] + "/" + cr[3] + " " + cr[1] + " in " + CrdSchemas.directory());
            }
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

    /**
     * Registers an operator's admission webhook {@code name} for the custom resource {@code plural} of
     * {@code group} (any version, every namespace), called on its create and update but not on writes of its
     * status subresource, as the rules of a webhook configuration for {@code resources: [<plural>]} select them.
     * Webhooks are called in the order they were registered.
     */
    public void admission(String group, String plural, String name, AdmissionWebhook webhook) {
        webhooks.computeIfAbsent(group + "/" + plural, k -> Collections.synchronizedMap(new LinkedHashMap<>()))
                .put(name, webhook);
    }

    /**
     * How many requests with this method (e.g. "PATCH") whose path, without its query, ends with {@code pathEnd}
     * were received ({@code /clusters/x} counts writes of Cluster x, not of its {@code /status}).
     */
    public long requests(String method, String pathEnd) {
        return received.stream().filter(r -> r.method().equalsIgnoreCase(method)
                && (r.path().indexOf('?') < 0 ? r.path() : r.path().substring(0, r.path().indexOf('?'))).endsWith(pathEnd)).count();
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

    // --- admission ----------------------------------------------------------------------------------------------

    /** {@code /apis/<group>/<version>/namespaces/<ns>/<plural>[/<name>[/status]]}. */
    private static final Pattern CUSTOM_RESOURCE_PATH =
            Pattern.compile("/apis/([^/]+)/([^/]+)/namespaces/[^/]+/([^/]+)(?:/([^/]+)(/status)?)?");

    /**
     * Serves a request. A create or update of a custom resource whose kind has a CRD or webhooks goes through the
     * steps the API server takes (k8s.io/apiserver {@code pkg/endpoints/handlers/create.go}, {@code update.go},
     * {@code patch.go}, {@code pkg/registry/generic/registry/store.go}), in its order:
     * <ol>
     * <li>the body is decoded (a PATCH is applied to the stored object first) and, for a kind with a CRD, pruned
     * and defaulted by its schema ({@link StructuralSchema#decode});</li>
     * <li>mutating admission: the kind's webhooks (not on {@code /status}); what a webhook changed is pruned and
     * defaulted again, as the mutating dispatcher decodes the patched object and runs the CRD's defaulter;</li>
     * <li>the strategy's {@code PrepareForCreate}/{@code PrepareForUpdate} ({@code apiextensions-apiserver
     * pkg/registry/customresource/strategy.go}, {@code status_strategy.go}): with a status subresource a create
     * drops {@code status}, a write of the resource keeps the stored status, a write of {@code /status} keeps all
     * but the status;</li>
     * <li>validation against the schema, CEL rules and ObjectMeta included: 422 Invalid with the field causes;</li>
     * <li>stored by the CRUD server.</li>
     * </ol>
     * The simulated webhooks mutate and validate in one call, so their validating part runs in step 2, where the
     * API server runs validating webhooks after step 4: only which refusal is answered first can differ.
     */
    private MockResponse admitted(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String resourcePath = query < 0 ? path : path.substring(0, query);
        Matcher m = CUSTOM_RESOURCE_PATH.matcher(resourcePath);
        if (!m.matches()) {
            return crud.dispatch(request);
        }
        CrdSchemas.Crd crd = schemas.crd(m.group(1), m.group(3));
        if (crd != null && !crd.servedVersions().containsKey(m.group(2))) {
            return status(404, "NotFound", "the server could not find the requested resource");
        }
        StructuralSchema schema = crd == null ? null : crd.servedVersions().get(m.group(2));
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        boolean create = method.equals("POST") && m.group(4) == null;
        boolean update = (method.equals("PATCH") || method.equals("PUT")) && m.group(4) != null;
        boolean statusWrite = m.group(5) != null;
        Map<String, AdmissionWebhook> hooks = statusWrite ? Map.of() : webhooks.getOrDefault(m.group(1) + "/" + m.group(3), Map.of());
        if (schema == null && hooks.isEmpty() || !create && !update) {
            return crud.dispatch(request);
        }
        String contentType = String.valueOf(request.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
        if (method.equals("PATCH") && crd != null && !contentType.startsWith("application/json-patch+json")
                && !contentType.startsWith("application/merge-patch+json")) {
            // custom resources have no strategic merge patch (apiextensions-apiserver's crdHandler)
            return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types "
                    + "include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }
        JsonObject old = null;
        JsonObject object;
        try {
            if (create) {
                object = JsonParser.parseString(request.getUtf8Body()).getAsJsonObject();
            } else {
                Map.Entry<AttributeSet, String> stored = crud.findResource(crud.getKey(resourcePath));
                if (stored == null) {
                    return crud.dispatch(request); // the CRUD server answers 404
                }
                old = JsonParser.parseString(stored.getValue()).getAsJsonObject();
                object = method.equals("PUT") ? JsonParser.parseString(request.getUtf8Body()).getAsJsonObject()
                        : patched(old, request.getHeader("Content-Type"), request.getUtf8Body());
            }
        } catch (RuntimeException e) {
            return status(422, "Invalid", "the request cannot be applied: " + e.getMessage());
        }
        if (schema != null) {
            schema.decode(object);
        }
        for (Map.Entry<String, AdmissionWebhook> hook : List.copyOf(hooks.entrySet())) {
            String denied = "admission webhook \"" + hook.getKey() + "\" denied the request: ";
            try {
                String refusal = hook.getValue().admit(old == null ? null : old.deepCopy(), object);
                if (refusal != null) {
                    return status(422, "Invalid", denied + refusal);
                }
            } catch (RuntimeException undecodable) {
                return status(400, "BadRequest", denied + undecodable.getMessage());
            }
        }
        if (schema != null && !hooks.isEmpty()) {
            schema.decode(object);
        }
        if (crd != null && crd.statusSubresource()) {
            object = prepared(old, object, create, statusWrite);
        }
        if (schema != null) {
            List<StructuralSchema.FieldError> errors = schema.validate(object, old);
            if (!errors.isEmpty()) {
                return invalid(crd, create ? metadataName(object) : m.group(4), errors);
            }
        }
        if (create) {
            return crud.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), path, request.getHeaders(),
                    new Buffer(object.toString().getBytes(StandardCharsets.UTF_8))));
        }
        if (!object.has("metadata") || !object.get("metadata").isJsonObject()) {
            object.add("metadata", new JsonObject());
        }
        if (!object.getAsJsonObject("metadata").has("resourceVersion")) { // a PUT's own resourceVersion is checked
            object.getAsJsonObject("metadata").add("resourceVersion", old.getAsJsonObject("metadata").get("resourceVersion"));
        }
        return crud.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path,
                new Headers.Builder().add("Content-Type", "application/json").build(),
                new Buffer(object.toString().getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * The object a write of a kind with a status subresource stores: a create cannot set status
     * ({@code customResourceStrategy.PrepareForCreate}), a write of the resource keeps the stored status
     * ({@code PrepareForUpdate}), a write of {@code /status} changes nothing but the status
     * ({@code statusStrategy.PrepareForUpdate}; a PUT's resourceVersion is still checked).
     */
    private static JsonObject prepared(JsonObject old, JsonObject object, boolean create, boolean statusWrite) {
        if (create) {
            object.remove("status");
            return object;
        }
        if (statusWrite) {
            JsonObject kept = old.deepCopy();
            kept.remove("status");
            if (object.has("status")) {
                kept.add("status", object.get("status"));
            }
            JsonObject meta = StructuralSchema.object(object, "metadata");
            if (meta != null && meta.has("resourceVersion")) {
                kept.getAsJsonObject("metadata").add("resourceVersion", meta.get("resourceVersion"));
            }
            return kept;
        }
        object.remove("status");
        if (old.has("status")) {
            object.add("status", old.get("status").deepCopy());
        }
        return object;
    }

    private static String metadataName(JsonObject object) {
        JsonObject meta = StructuralSchema.object(object, "metadata");
        return meta != null && meta.has("name") ? meta.get("name").getAsString() : "";
    }

    /** 422 Invalid as the API server answers a custom resource its schema refuses ({@code errors.NewInvalid}). */
    private static MockResponse invalid(CrdSchemas.Crd crd, String n, List<StructuralSchema.FieldError> errors) {
        JsonArray causes = new JsonArray();
        List<String> parts = new java.util.ArrayList<>();
        for (StructuralSchema.FieldError e : errors) {
            JsonObject cause = new JsonObject();
            cause.addProperty("reason", e.reason());
            cause.addProperty("message", e.message());
            cause.addProperty("field", e.field());
            causes.add(cause);
            parts.add(e.toString());
        }
        JsonObject details = new JsonObject();
        details.addProperty("name", n);
        details.addProperty("group", crd.group());
        details.addProperty("kind", crd.kind());
        details.add("causes", causes);
        JsonObject body = new JsonObject();
        body.addProperty("kind", "Status");
        body.addProperty("apiVersion", "v1");
        body.add("metadata", new JsonObject());
        body.addProperty("status", "Failure");
        body.addProperty("message", crd.kind() + "." + crd.group() + " \"" + n + "\" is invalid: "
                + (parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]"));
        body.addProperty("reason", "Invalid");
        body.add("details", details);
        body.addProperty("code", 422);
        return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json").setBody(body.toString());
    }

    /** The stored object with a JSON patch (RFC 6902) or a JSON merge patch (RFC 7386) applied. */
    private static JsonObject patched(JsonObject stored, String contentType, String patch) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json-patch+json")) {
            ObjectMapper mapper = new ObjectMapper();
            return JsonParser.parseString(JsonPatch.apply(mapper.readTree(patch), mapper.readTree(stored.toString())).toString())
                    .getAsJsonObject();
        } else if (type.startsWith("application/merge-patch+json")) {
            return mergePatched(stored, JsonParser.parseString(patch)).getAsJsonObject();
        }
        throw new IllegalArgumentException("unsupported patch type " + contentType + " for a custom resource");
    }

    private static JsonElement mergePatched(JsonElement target, JsonElement patch) {
        if (!patch.isJsonObject()) {
            return patch;
        }
        JsonObject result = target != null && target.isJsonObject() ? target.getAsJsonObject().deepCopy() : new JsonObject();
        for (Map.Entry<String, JsonElement> e : patch.getAsJsonObject().entrySet()) {
            if (e.getValue().isJsonNull()) {
                result.remove(e.getKey());
            } else {
                result.add(e.getKey(), mergePatched(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    /** A {@code Status} answer as the API server gives it. */
    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                        + quote(message) + ",\"reason\":" + quote(reason) + ",\"code\":" + code + "}");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
