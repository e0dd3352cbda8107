package dev.strata.provisioning.driver.kubernetes.simulation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The operators' own CustomResourceDefinitions, read unchanged from {@code shared/crds/} next to the repository
 * (see its README for their sources and versions), by {@code <group>/<plural>}: each served version's structural
 * schema, and whether the kind has a status subresource. Never copied into the repository.
 */
public final class CrdSchemas {

    /** System property naming the CRD directory, when it is not found next to the repository. */
    public static final String DIRECTORY_PROPERTY = "strata.crds";

    /** One CustomResourceDefinition: its names, scope and served versions' schemas. */
    public record Crd(String group, String plural, String singular, String kind, boolean namespaced,
            Map<String, StructuralSchema> servedVersions, String storageVersion, boolean statusSubresource, Path file) {
    }

    private final Map<String, Crd> crds;
    private final CelRules cel;

    private CrdSchemas(Map<String, Crd> crds, CelRules cel) {
        this.crds = crds;
        this.cel = cel;
    }

    /** Every CRD of every {@code *.yaml} file of {@link #directory()}. */
    public static CrdSchemas load() {
        return load(directory());
    }

    /** Every CRD of every {@code *.yaml} file of {@code dir} (multi-document YAML). */
    public static CrdSchemas load(Path dir) {
        Map<String, Crd> crds = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the CRDs in " + dir, e);
        }
        CelRules cel = CelRules.create();
        for (Path file : files) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
                    if (doc instanceof Map<?, ?> && "CustomResourceDefinition".equals(((Map<?, ?>) doc).get("kind"))) {
                        Crd crd = crd(json(doc).getAsJsonObject(), file, cel);
                        crds.put(crd.group() + "/" + crd.plural(), crd);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        if (crds.isEmpty()) {
            throw new IllegalStateException("no CustomResourceDefinition in " + dir);
        }
        return new CrdSchemas(crds, cel);
    }

    /**
     * {@code shared/crds}, the sibling {@code ../shared} of the repository's root: the first ancestor of the
     * working directory (a module's directory under Maven, the repository's root elsewhere) that has a
     * {@code shared/crds} directory; {@value #DIRECTORY_PROPERTY} names another one.
     */
    public static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath();
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException(DIRECTORY_PROPERTY + "=" + configured + " is not a directory");
            }
            return dir;
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path dir = p.resolve("shared").resolve("crds");
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("the operators' CRDs were not found: no shared/crds directory in " + start
                + " or any directory above it (expected next to the repository, as ../shared/crds); set -D"
                + DIRECTORY_PROPERTY + "=<dir> to name it");
    }

    public Collection<Crd> all() {
        return crds.values();
    }

    /** The CRD of {@code plural} in {@code group}, or null when none is registered. */
    public Crd crd(String group, String plural) {
        return crds.get(group + "/" + plural);
    }

    /** The schema of a served version of a kind, or null. */
    public StructuralSchema schema(String group, String version, String plural) {
        Crd crd = crd(group, plural);
        return crd == null ? null : crd.servedVersions().get(version);
    }

    private static Crd crd(JsonObject doc, Path file, CelRules cel) {
        JsonObject spec = doc.getAsJsonObject("spec");
        JsonObject names = spec.getAsJsonObject("names");
        Map<String, StructuralSchema> served = new LinkedHashMap<>();
        String storage = null;
        boolean status = false;
        for (JsonElement v : spec.getAsJsonArray("versions")) {
            JsonObject version = v.getAsJsonObject();
            String name = version.get("name").getAsString();
            if (version.has("storage") && version.get("storage").getAsBoolean()) {
                storage = name;
            }
            if (version.has("served") && version.get("served").getAsBoolean()) {
                JsonObject schema = version.getAsJsonObject("schema").getAsJsonObject("openAPIV3Schema");
                served.put(name, new StructuralSchema(schema, cel));
                JsonObject subresources = StructuralSchema.object(version, "subresources");
                status |= subresources != null && subresources.has("status");
            }
        }
        String plural = names.get("plural").getAsString();
        return new Crd(spec.get("group").getAsString(), plural,
                names.has("singular") ? names.get("singular").getAsString() : plural, names.get("kind").getAsString(),
                !"Cluster".equals(spec.get("scope").getAsString()), served, storage, status, file);
    }

    /** A value SnakeYAML read as Gson's JSON. */
    static JsonElement json(Object yaml) {
        if (yaml == null) {
            return JsonNull.INSTANCE;
        } else if (yaml instanceof Map<?, ?> map) {
            JsonObject o = new JsonObject();
            map.forEach((k, v) -> o.add(String.valueOf(k), json(v)));
            return o;
        } else if (yaml instanceof List<?> list) {
            JsonArray a = new JsonArray();
            list.forEach(v -> a.add(json(v)));
            return a;
        } else if (yaml instanceof Boolean b) {
            return new JsonPrimitive(b);
        } else if (yaml instanceof Number n) {
            return new JsonPrimitive(n);
        }
        return new JsonPrimitive(String.valueOf(yaml));
    }

    /**
     * The {@code x-kubernetes-validations} rules of every served version that the simulation does not check, each
     * with why (see {@link CelRules}).
     */
    public List<String> uncheckedRules() {
        crds.values().forEach(c -> c.servedVersions().values().forEach(s -> cel.compileAll(s.schema())));
        return cel.skipped();
    }

    /**
     * What the API server would do to {@code resource} (a whole custom resource, as a client creates it) that its
     * writer would not want: each field it sends that pruning drops or that decoding changes ({@code pruned: spec.x},
     * {@code changed: spec.x}), each validation error ({@code invalid: spec.x: ...}), or why there is no schema for
     * it. Empty when the schema takes the resource exactly as sent (defaults may be added). For tests of what
     * Strata writes.
     */
    public List<String> problems(JsonObject resource) {
        String apiVersion = resource.has("apiVersion") ? resource.get("apiVersion").getAsString() : "";
        String kind = resource.has("kind") ? resource.get("kind").getAsString() : "";
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        Crd crd = crds.values().stream().filter(c -> c.group().equals(group) && c.kind().equals(kind)).findFirst().orElse(null);
        if (crd == null) {
            return List.of("no CRD for " + kind + " of " + apiVersion + " among " + names());
        }
        StructuralSchema schema = crd.servedVersions().get(version);
        if (schema == null) {
            return List.of(crd.plural() + "." + group + " does not serve " + version + ", only " + crd.servedVersions().keySet());
        }
        JsonObject decoded = resource.deepCopy();
        schema.decode(decoded);
        List<String> problems = new ArrayList<>();
        lost(resource, decoded, "", problems);
        schema.validate(decoded, null).forEach(e -> problems.add("invalid: " + e));
        return problems;
    }

    private static void lost(JsonElement sent, JsonElement kept, String path, List<String> problems) {
        if (sent == null || sent.isJsonNull()) {
            return;
        }
        if (kept == null || kept.isJsonNull()) {
            problems.add("pruned: " + path);
        } else if (sent.isJsonObject() && kept.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : sent.getAsJsonObject().entrySet()) {
                lost(e.getValue(), kept.getAsJsonObject().get(e.getKey()), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), problems);
            }
        } else if (sent.isJsonArray() && kept.isJsonArray() && sent.getAsJsonArray().size() == kept.getAsJsonArray().size()) {
            for (int i = 0; i < sent.getAsJsonArray().size(); i++) {
                lost(sent.getAsJsonArray().get(i), kept.getAsJsonArray().get(i), path + "[" + i + "]", problems);
            }
        } else if (!sent.isJsonPrimitive() || !kept.isJsonPrimitive() || !samePrimitive(sent.getAsJsonPrimitive(), kept.getAsJsonPrimitive())) {
            problems.add("changed: " + path + " (sent " + sent + ", stored " + kept + ")");
        }
    }

    private static boolean samePrimitive(JsonPrimitive a, JsonPrimitive b) {
        if (a.isNumber() && b.isNumber()) {
            return new java.math.BigDecimal(a.getAsString()).compareTo(new java.math.BigDecimal(b.getAsString())) == 0;
        }
        return a.equals(b);
    }

    /** The kinds, as {@code <group>/<plural>}, for messages. */
    public List<String> names() {
        return new ArrayList<>(crds.keySet());
    }
}
