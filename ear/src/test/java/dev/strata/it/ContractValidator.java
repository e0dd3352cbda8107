package dev.strata.it;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The contract test: every response the integration tests receive (through {@link Api#send}, and HostileInputIT's
 * and ApiFuzzIT's own clients' answers under {@code /api/v1}) is checked against the
 * API's OpenAPI document ({@code api/src/main/resources/META-INF/openapi.yaml}) for its path template, method and
 * status: documented status, content type and body schema. A response to a path or method the document does not
 * have (the fuzz tests send junk) is only checked for what every error of the API promises: a 4xx or 5xx under
 * {@code /api/v1} is {@code application/problem+json} with the Problem schema.
 */
public final class ContractValidator {

    /** Where the API is mounted: the document's paths are relative to its server URL, this. */
    static final String BASE = "/api/v1";

    private static volatile ContractValidator shared;

    private final OpenApiInteractionValidator validator;
    private final SchemaValidator schemas;
    private final Schema<?> problem;
    private final List<Operation> operations = new ArrayList<>();

    /** One documented operation: its method and its path template as a pattern of the whole request path. */
    private record Operation(String method, String template, Pattern path) {
    }

    ContractValidator(String specification) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(specification, null, options);
        OpenAPI api = parsed.getOpenAPI();
        if (api == null) {
            throw new IllegalStateException("the OpenAPI document cannot be read: " + parsed.getMessages());
        }
        String server = api.getServers().get(0).getUrl();
        if (!BASE.equals(server)) {
            throw new IllegalStateException("the document's server is " + server + ", expected " + BASE);
        }
        this.validator = OpenApiInteractionValidator.createFor(api).build();
        this.schemas = new SchemaValidator(api, new MessageResolver());
        this.problem = api.getComponents().getSchemas().get("Problem");
        for (Map.Entry<String, PathItem> p : api.getPaths().entrySet()) {
            Pattern pattern = Pattern.compile(Pattern.quote(BASE) + java.util.Arrays.stream(p.getKey().split("/", -1))
                    .map(segment -> segment.matches("\\{[^}]+}") ? "[^/]+" : Pattern.quote(segment))
                    .collect(Collectors.joining("/")));
            p.getValue().readOperationsMap().keySet().forEach(m -> operations.add(new Operation(m.name(), p.getKey(), pattern)));
        }
    }

    /** The validator of the checked-in document (system property {@code it.openapi}, else found from the working directory). */
    public static ContractValidator shared() {
        ContractValidator v = shared;
        if (v == null) {
            synchronized (ContractValidator.class) {
                if (shared == null) {
                    shared = new ContractValidator(readDocument());
                }
                v = shared;
            }
        }
        return v;
    }

    static String readDocument() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("it.openapi");
        if (configured != null) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("../api/src/main/resources/META-INF/openapi.yaml"));
        candidates.add(Path.of("api/src/main/resources/META-INF/openapi.yaml"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot read " + p.toAbsolutePath(), e);
                }
            }
        }
        throw new IllegalStateException("the OpenAPI document is not at " + candidates + " (set -Dit.openapi)");
    }

    /**
     * Checks one response; throws {@link AssertionError} with the validator's messages, the request and the response
     * when it breaks the contract.
     *
     * @param path the request path as sent, with or without its query
     */
    public void check(String method, String path, int status, String contentType, String body) {
        List<String> problems = problems(method, path, status, contentType, body);
        if (!problems.isEmpty()) {
            throw new AssertionError("the response breaks the API's OpenAPI contract: " + method + " " + path + " → " + status
                    + " (" + (contentType == null || contentType.isEmpty() ? "no content type" : contentType) + ")\n  "
                    + String.join("\n  ", problems) + "\nbody: " + shorten(body));
        }
    }

    /** What is wrong with the response (empty: nothing). */
    List<String> problems(String method, String path, int status, String contentType, String body) {
        String bare = path.indexOf('?') >= 0 ? path.substring(0, path.indexOf('?')) : path;
        // methods are case-sensitive (RFC 9110 9.1): "get" is no GET, and the server answers it 405
        String verb = method;
        Operation op = operations.stream().filter(o -> o.method().equals(verb) && o.path().matcher(bare).matches())
                .findFirst().orElse(null);
        if (op == null) {
            return undocumented(bare, status, contentType, body);
        }
        // validated at the template with each parameter a plain value: the path matched above already, and the
        // validator's own matching must not trip over escapes in the ids the tests send
        String canonical = BASE + op.template().replaceAll("\\{[^}]+}", "p");
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        if (contentType != null && !contentType.isEmpty()) {
            response.withContentType(contentType);
        }
        if (body != null && !body.isEmpty()) {
            response.withBody(body);
        }
        ValidationReport report = validator.validateResponse(canonical, Request.Method.valueOf(verb), response.build());
        return messages(report, "(" + verb + " " + op.template() + ") ");
    }

    private List<String> undocumented(String path, int status, String contentType, String body) {
        if (status < 400 || !(path.equals(BASE) || path.startsWith(BASE + "/"))) {
            return List.of();
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            return List.of("a " + status + " must be application/problem+json, not " + (contentType == null || contentType.isEmpty() ? "without a content type" : contentType));
        }
        return messages(schemas.validate(body == null ? "" : body, problem, "response.body"), "(Problem) ");
    }

    private static List<String> messages(ValidationReport report, String prefix) {
        List<String> out = new ArrayList<>();
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() == ValidationReport.Level.ERROR) {
                out.add(prefix + "[" + m.getKey() + "] " + m.getMessage());
                m.getNestedMessages().forEach(n -> out.add("    [" + n.getKey() + "] " + n.getMessage()));
            }
        }
        return out;
    }

    private static String shorten(String body) {
        if (body == null) {
            return "(none)";
        }
        return body.length() > 2000 ? body.substring(0, 2000) + "…" : body;
    }
}
