package dev.strata.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The hand-written OpenAPI document ({@code META-INF/openapi.yaml}, what Payara serves at {@code /openapi}) and the
 * JAX-RS resources describe the same API: every resource method has exactly one operation with its method and path
 * template, and every operation has a resource method. Plus what client generators and clients rely on: unique
 * operationIds, a declared tag on each operation, problem+json for every error, bodies and answers in the media
 * types the resources take and give.
 */
class OpenApiDocumentTest {

    /**
     * Operations documented before their resources exist (work on another branch): each entry is allowed to have no
     * resource method. Empty now that events and webhooks are merged; an entry that has a resource method fails the
     * test, so the list cannot go stale.
     */
    private static final Set<String> IMPLEMENTED_ELSEWHERE = Set.of();

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}:]+)(?::[^}]*)?}");
    private static final String PROBLEM = "#/components/schemas/Problem";

    private static Map<String, Object> doc;
    private static Map<String, ResourceMethod> resourceMethods;

    record ResourceMethod(String key, Method method, List<String> consumes, List<String> produces) {
    }

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/META-INF/openapi.yaml")) {
            assertThat(in).as("META-INF/openapi.yaml on the class path").isNotNull();
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            doc = new Yaml(options).load(in);
        }
        resourceMethods = scanResources();
    }

    @Test
    void isOpenApi303WithTheApiBaseAsServer() {
        assertThat(doc.get("openapi")).isEqualTo("3.0.3");
        List<Map<String, Object>> servers = list(doc.get("servers"));
        assertThat(servers).hasSize(1);
        // the WAR is deployed at /api and the JAX-RS application is at its ApplicationPath: paths are relative to both
        String applicationPath = ApiApplication.class.getAnnotation(ApplicationPath.class).value().replaceAll("^/|/$", "");
        assertThat(servers.get(0).get("url")).isEqualTo("/api/" + applicationPath);
        assertThat(map(map(doc.get("components")).get("securitySchemes"))).containsKey("bearer");
        assertThat(list(doc.get("security"))).containsExactly(Map.of("bearer", List.of()));
    }

    @Test
    void everyResourceMethodHasExactlyOneOperation() {
        Map<String, Map<String, Object>> documented = operations();
        List<String> missing = resourceMethods.keySet().stream().filter(k -> !documented.containsKey(k)).sorted().toList();
        assertThat(missing).as("resource methods without an operation in openapi.yaml").isEmpty();
        // "exactly one": a YAML map cannot hold the same path twice (duplicate keys are refused by the loader), but two
        // templates can differ only in their parameter names and still be one path
        Map<String, List<String>> byShape = documented.keySet().stream()
                .collect(Collectors.groupingBy(k -> TEMPLATE_PARAM.matcher(k).replaceAll("{}")));
        assertThat(byShape.values().stream().filter(v -> v.size() > 1).toList())
                .as("operations whose paths differ only in parameter names").isEmpty();
    }

    @Test
    void everyOperationHasAResourceMethod() {
        List<String> orphans = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (String key : operations().keySet()) {
            boolean implemented = resourceMethods.containsKey(key);
            if (!implemented && !IMPLEMENTED_ELSEWHERE.contains(key)) {
                orphans.add(key);
            }
            if (implemented && IMPLEMENTED_ELSEWHERE.contains(key)) {
                stale.add(key);
            }
        }
        assertThat(orphans).as("operations in openapi.yaml without a resource method").isEmpty();
        assertThat(stale).as("IMPLEMENTED_ELSEWHERE entries that now have a resource method: remove them").isEmpty();
        assertThat(operations().keySet()).as("IMPLEMENTED_ELSEWHERE entries missing from the document")
                .containsAll(IMPLEMENTED_ELSEWHERE);
    }

    @Test
    void operationIdsAreUniqueCamelCase() {
        Map<String, List<String>> byId = new TreeMap<>();
        operations().forEach((key, op) -> byId.computeIfAbsent(String.valueOf(op.get("operationId")), x -> new ArrayList<>()).add(key));
        assertThat(byId).doesNotContainKey("null");
        assertThat(byId.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList())
                .as("operationIds used more than once").isEmpty();
        assertThat(byId.keySet()).allSatisfy(id -> assertThat(id).matches("[a-z][a-zA-Z0-9]*"));
    }

    @Test
    void everyOperationHasOneDeclaredTagAndASummary() {
        Set<String> declared = list(doc.get("tags")).stream().peek(t -> assertThat(t.get("description"))
                .as("description of tag " + t.get("name")).isNotNull()).map(t -> (String) t.get("name")).collect(Collectors.toSet());
        Set<String> used = new TreeSet<>();
        operations().forEach((key, op) -> {
            List<String> tags = strings(op.get("tags"));
            assertThat(tags).as("tags of " + key).hasSize(1);
            assertThat(declared).as("tag of " + key).contains(tags.get(0));
            assertThat(op.get("summary")).as("summary of " + key).isNotNull();
            used.add(tags.get(0));
        });
        assertThat(used).as("declared tags without operations").containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void everyErrorIsProblemJson() {
        operations().forEach((key, op) -> {
            Map<String, Object> responses = map(op.get("responses"));
            assertThat(responses.keySet()).as("responses of " + key).anyMatch(s -> s.startsWith("2"));
            assertThat(responses).as("responses of " + key).containsKeys("400", "401", "500");
            responses.forEach((status, raw) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    Map<String, Object> content = map(resolve(map(raw)).get("content"));
                    assertThat(content.keySet()).as(key + " " + status).containsExactly("application/problem+json");
                    assertThat(map(map(content.get("application/problem+json")).get("schema")))
                            .as(key + " " + status).containsEntry("$ref", PROBLEM);
                }
            });
        });
    }

    @Test
    void bodiesAndAnswersUseTheResourcesMediaTypes() {
        Map<String, Map<String, Object>> documented = operations();
        resourceMethods.forEach((key, rm) -> {
            Map<String, Object> op = documented.get(key);
            if (op == null) {
                return; // reported by everyResourceMethodHasExactlyOneOperation
            }
            Map<String, Object> body = map(op.get("requestBody"));
            if (rm.consumes().isEmpty()) {
                assertThat(body).as("requestBody of " + key + " (the resource reads no body)").isEmpty();
            } else {
                assertThat(body.get("required")).as("requestBody of " + key + " is required").isEqualTo(true);
                assertThat(map(body.get("content")).keySet()).as("request media types of " + key)
                        .containsExactlyInAnyOrderElementsOf(rm.consumes());
            }
            map(op.get("responses")).forEach((status, raw) -> {
                if (status.startsWith("2")) {
                    Set<String> types = map(resolve(map(raw)).get("content")).keySet();
                    assertThat(rm.produces()).as("media types of " + key + " " + status).containsAll(types);
                    if ("204".equals(status)) {
                        assertThat(types).as(key + " 204 has no body").isEmpty();
                    }
                }
            });
        });
    }

    @Test
    void pathParametersAreDeclared() {
        map(doc.get("paths")).forEach((path, rawItem) -> {
            Map<String, Object> item = map(rawItem);
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = TEMPLATE_PARAM.matcher(path);
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            item.forEach((method, rawOp) -> {
                if (!HTTP_METHODS.contains(method)) {
                    return;
                }
                Set<String> declared = new TreeSet<>();
                Stream.concat(list(item.get("parameters")).stream(), list(map(rawOp).get("parameters")).stream())
                        .map(OpenApiDocumentTest::resolve)
                        .filter(p -> "path".equals(p.get("in")))
                        .forEach(p -> declared.add((String) p.get("name")));
                assertThat(declared).as("path parameters of " + method + " " + path).isEqualTo(inTemplate);
            });
        });
    }

    // --- the document ---

    /** "METHOD /path/template" to operation, in the document's order. */
    private static Map<String, Map<String, Object>> operations() {
        Map<String, Map<String, Object>> ops = new java.util.LinkedHashMap<>();
        map(doc.get("paths")).forEach((path, item) -> map(item).forEach((method, op) -> {
            if (HTTP_METHODS.contains(method)) {
                ops.put(method.toUpperCase(Locale.ROOT) + " " + path, map(op));
            }
        }));
        return ops;
    }

    /** A {@code $ref} to something in this document, followed. */
    private static Map<String, Object> resolve(Map<String, Object> node) {
        Object ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        Object target = doc;
        for (String part : ((String) ref).substring(2).split("/")) {
            target = map(target).get(part);
        }
        assertThat(target).as("target of " + ref).isNotNull();
        return resolve(map(target));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o == null ? List.of() : (List<String>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }

    // --- the resources ---

    /** Every resource method of the classes in {@code dev.strata.api}, by "METHOD /path/template". */
    private static Map<String, ResourceMethod> scanResources() throws IOException, URISyntaxException, ClassNotFoundException {
        java.nio.file.Path root = java.nio.file.Path.of(ApiApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> classNames;
        try (Stream<java.nio.file.Path> files = Files.walk(root.resolve("dev/strata/api"))) {
            classNames = files.map(f -> root.relativize(f).toString())
                    .filter(f -> f.endsWith(".class") && !f.contains("$"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace(java.io.File.separatorChar, '.'))
                    .sorted().toList();
        }
        Map<String, ResourceMethod> found = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        List<String> locators = new ArrayList<>();
        for (String name : classNames) {
            Class<?> type = Class.forName(name, false, OpenApiDocumentTest.class.getClassLoader());
            Path classPath = type.getAnnotation(Path.class);
            if (classPath == null || Modifier.isAbstract(type.getModifiers())) {
                continue;
            }
            for (Method m : type.getMethods()) {
                String httpMethod = httpMethod(m);
                Path methodPath = m.getAnnotation(Path.class);
                if (httpMethod == null) {
                    if (methodPath != null) {
                        locators.add(type.getSimpleName() + "." + m.getName());
                    }
                    continue;
                }
                String template = normalise("/" + classPath.value() + (methodPath == null ? "" : "/" + methodPath.value()));
                String key = httpMethod + " " + template;
                ResourceMethod rm = new ResourceMethod(key, m,
                        mediaTypes(m.getAnnotation(Consumes.class) != null ? m.getAnnotation(Consumes.class).value()
                                : type.getAnnotation(Consumes.class) != null && hasEntityParameter(m) ? type.getAnnotation(Consumes.class).value() : new String[0]),
                        mediaTypes(m.getAnnotation(Produces.class) != null ? m.getAnnotation(Produces.class).value()
                                : type.getAnnotation(Produces.class) != null ? type.getAnnotation(Produces.class).value() : new String[]{"*/*"}));
                if (found.put(key, rm) != null) {
                    duplicates.add(key);
                }
            }
        }
        assertThat(locators).as("sub-resource locators (this test does not follow them)").isEmpty();
        assertThat(duplicates).as("resource methods that share a method and path").isEmpty();
        assertThat(found).as("resource methods found under " + root).isNotEmpty();
        return found;
    }

    private static boolean hasEntityParameter(Method m) {
        return Arrays.stream(m.getParameterAnnotations()).anyMatch(a -> a.length == 0);
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod hm = a.annotationType().getAnnotation(HttpMethod.class);
            if (hm != null) {
                return hm.value();
            }
        }
        return null;
    }

    private static List<String> mediaTypes(String[] values) {
        Set<String> types = new LinkedHashSet<>();
        for (String v : values) {
            for (String t : v.split(",")) {
                types.add(t.strip());
            }
        }
        return List.copyOf(types);
    }

    /** {@code //a/{id: [0-9]+}/} → {@code /a/{id}}. */
    static String normalise(String path) {
        String p = TEMPLATE_PARAM.matcher(path).replaceAll("{$1}").replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
