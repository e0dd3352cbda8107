package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The few API-server calls the drivers need, on any kind of object, through client-java's dynamic API. Every
 * refusal becomes a {@link KubernetesFailure} whose message says what was tried and what the API server answered;
 * "not found" is an empty answer, not an error.
 */
public class KubernetesApi {

    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "strata";

    private final ApiClient client;
    private final Map<ResourceKind, DynamicKubernetesApi> apis = new ConcurrentHashMap<>();

    public KubernetesApi(ApiClient client) {
        this.client = client;
    }

    /**
     * A client for the cluster: the kubeconfig file when one is named, else client-java's standard search
     * ({@code $KUBECONFIG}, {@code ~/.kube/config}, the pod's service account).
     */
    public static KubernetesApi connect(Optional<String> kubeconfig) {
        try {
            ApiClient client;
            if (kubeconfig.isPresent()) {
                Path file = Path.of(kubeconfig.get());
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    KubeConfig config = KubeConfig.loadKubeConfig(r);
                    config.setFile(file.toFile());
                    client = ClientBuilder.kubeconfig(config).build();
                }
            } else {
                client = ClientBuilder.standard().build();
            }
            client.setConnectTimeout(10_000);
            client.setReadTimeout(30_000);
            client.setWriteTimeout(30_000);
            return new KubernetesApi(client);
        } catch (IOException | RuntimeException e) {
            throw new KubernetesFailure(0, "cannot configure the Kubernetes client"
                    + kubeconfig.map(k -> " from " + k).orElse("") + ": " + e.getMessage(), e);
        }
    }

    public String server() {
        return client.getBasePath();
    }

    public Optional<JsonObject> get(ResourceKind kind, String namespace, String name) {
        KubernetesApiResponse<DynamicKubernetesObject> r = call("read " + describe(kind, namespace, name),
                () -> namespace == null ? api(kind).get(name) : api(kind).get(namespace, name));
        if (r.getHttpStatusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(check(r, "read " + describe(kind, namespace, name)));
    }

    public JsonObject create(ResourceKind kind, JsonObject body) {
        String ns = Json.string(body, "metadata", "namespace").orElse(null);
        String name = Json.string(body, "metadata", "name").orElse("?");
        String what = "create " + describe(kind, ns, name);
        return check(call(what, () -> api(kind).create(new DynamicKubernetesObject(body))), what);
    }

    /** A JSON merge patch ({@code application/merge-patch+json}) of the object, or of its status subresource. */
    public JsonObject mergePatch(ResourceKind kind, String namespace, String name, JsonObject patch) {
        String what = "update " + describe(kind, namespace, name);
        return check(call(what, () -> api(kind).patch(namespace, name, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch(patch.toString()))), what);
    }

    /**
     * A JSON patch ({@code application/json-patch+json}, RFC 6902). Used for custom resources: their API has no
     * strategic merge, and a JSON patch's {@code add} replaces lists whole on every API server.
     */
    public JsonObject jsonPatch(ResourceKind kind, String namespace, String name, com.google.gson.JsonArray operations) {
        String what = "update " + describe(kind, namespace, name);
        return check(call(what, () -> api(kind).patch(namespace, name, V1Patch.PATCH_FORMAT_JSON_PATCH,
                new V1Patch(operations.toString()))), what);
    }

    /** Deletes the object; true when it was there. */
    public boolean delete(ResourceKind kind, String namespace, String name) {
        String what = "delete " + describe(kind, namespace, name);
        KubernetesApiResponse<DynamicKubernetesObject> r = call(what, () -> api(kind).delete(namespace, name));
        if (r.getHttpStatusCode() == 404) {
            return false;
        }
        if (!r.isSuccess()) {
            throw refusal(what, r.getHttpStatusCode(), r.getStatus());
        }
        return true;
    }

    /** Objects of a kind in every namespace with these labels ({@code key=value,...}). */
    public List<JsonObject> listEverywhere(ResourceKind kind, String labelSelector) {
        ListOptions options = new ListOptions();
        options.setLabelSelector(labelSelector);
        String what = "list " + kind + " (" + labelSelector + ")";
        var r = call(what, () -> api(kind).list(options));
        if (!r.isSuccess()) {
            throw refusal(what, r.getHttpStatusCode(), r.getStatus());
        }
        List<JsonObject> items = new ArrayList<>();
        for (DynamicKubernetesObject o : r.getObject().getItems()) {
            items.add(o.getRaw());
        }
        return items;
    }

    /** Objects of a kind in one namespace with these labels ({@code key=value,...}). */
    public List<JsonObject> list(ResourceKind kind, String namespace, String labelSelector) {
        ListOptions options = new ListOptions();
        options.setLabelSelector(labelSelector);
        String what = "list " + kind + " in namespace " + namespace + " (" + labelSelector + ")";
        var r = call(what, () -> api(kind).list(namespace, options));
        if (r.getHttpStatusCode() == 404) {
            return List.of(); // no such namespace
        }
        if (!r.isSuccess()) {
            throw refusal(what, r.getHttpStatusCode(), r.getStatus());
        }
        List<JsonObject> items = new ArrayList<>();
        for (DynamicKubernetesObject o : r.getObject().getItems()) {
            items.add(o.getRaw());
        }
        return items;
    }

    /** Creates the namespace when it does not exist yet (labelled as Strata's). */
    public void ensureNamespace(String namespace) {
        if (get(ResourceKind.NAMESPACE, null, namespace).isEmpty()) {
            try {
                create(ResourceKind.NAMESPACE, Json.obj("apiVersion", "v1", "kind", "Namespace",
                        "metadata", Json.obj("name", namespace, "labels", Json.obj(MANAGED_BY_LABEL, MANAGED_BY))));
            } catch (KubernetesFailure e) {
                if (e.code() != 409) { // created meanwhile
                    throw e;
                }
            }
        }
    }

    /** A Secret's data, decoded; empty when there is no such Secret. */
    public Optional<Map<String, String>> secret(String namespace, String name) {
        return get(ResourceKind.SECRET, namespace, name).map(s -> {
            Map<String, String> data = new LinkedHashMap<>();
            Json.at(s, "data").filter(JsonElement::isJsonObject).ifPresent(d -> d.getAsJsonObject().entrySet()
                    .forEach(e -> data.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().getAsString()), StandardCharsets.UTF_8))));
            Json.at(s, "stringData").filter(JsonElement::isJsonObject).ifPresent(d -> d.getAsJsonObject().entrySet()
                    .forEach(e -> data.put(e.getKey(), e.getValue().getAsString())));
            return data;
        });
    }

    /** Creates the Secret, or makes its data equal to {@code data} when it exists with other values. */
    public void putSecret(String namespace, String name, Map<String, String> data, Map<String, String> labels) {
        JsonObject encoded = new JsonObject();
        data.forEach((k, v) -> encoded.addProperty(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        Optional<Map<String, String>> current = secret(namespace, name);
        if (current.isEmpty()) {
            Map<String, Object> allLabels = new LinkedHashMap<>(labels);
            allLabels.put(MANAGED_BY_LABEL, MANAGED_BY);
            create(ResourceKind.SECRET, Json.obj("apiVersion", "v1", "kind", "Secret",
                    "metadata", Json.obj("name", name, "namespace", namespace, "labels", allLabels),
                    "type", "Opaque", "data", encoded));
        } else if (!current.get().equals(data)) {
            // the whole data map replaced: keys that are no longer wanted go too
            com.google.gson.JsonArray ops = new com.google.gson.JsonArray();
            ops.add(Json.obj("op", "add", "path", "/data", "value", encoded));
            jsonPatch(ResourceKind.SECRET, namespace, name, ops);
        }
    }

    private DynamicKubernetesApi api(ResourceKind kind) {
        return apis.computeIfAbsent(kind, k -> new DynamicKubernetesApi(k.group(), k.version(), k.plural(), client));
    }

    private static String describe(ResourceKind kind, String namespace, String name) {
        return kind.kind() + " " + name + (namespace == null ? "" : " in namespace " + namespace);
    }

    /**
     * Runs a call. client-java answers an error whose body is a Status object with a response, and throws
     * (wrapping an {@link ApiException}) when there is no parsable body, as for a bare 404, or no connection.
     */
    private <T extends io.kubernetes.client.common.KubernetesType> KubernetesApiResponse<T> call(String what, Supplier<KubernetesApiResponse<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            ApiException api = cause(e, ApiException.class);
            if (api != null && api.getCode() == 404) {
                return new KubernetesApiResponse<>(null, 404);
            }
            if (api != null && api.getCode() != 0) {
                throw refusal(what, api.getCode(), statusOf(api.getResponseBody()));
            }
            IOException io = cause(e, IOException.class);
            String reason = io != null ? io.getClass().getSimpleName() + ": " + io.getMessage() : e.getMessage();
            throw new KubernetesFailure(0, "Kubernetes API at " + server() + " unreachable: cannot " + what + ": " + reason, e);
        }
    }

    private static <X extends Throwable> X cause(Throwable e, Class<X> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static JsonObject check(KubernetesApiResponse<DynamicKubernetesObject> r, String what) {
        if (!r.isSuccess() || r.getObject() == null) {
            throw refusal(what, r.getHttpStatusCode(), r.getStatus());
        }
        return r.getObject().getRaw();
    }

    private static V1Status statusOf(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonObject o = JsonParser.parseString(body).getAsJsonObject();
            return new V1Status().message(Json.string(o, "message").orElse(null)).reason(Json.string(o, "reason").orElse(null));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static KubernetesFailure refusal(String what, int code, V1Status status) {
        String reason = status != null && status.getReason() != null ? status.getReason() : reasonOf(code);
        String detail = status != null && status.getMessage() != null ? ": " + status.getMessage() : "";
        return new KubernetesFailure(code, "Kubernetes API refused to " + what + " (" + code + " " + reason + ")" + detail, null);
    }

    private static String reasonOf(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            default -> code >= 500 ? "ServerError" : "Error";
        };
    }
}
