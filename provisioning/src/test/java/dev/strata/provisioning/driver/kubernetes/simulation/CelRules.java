package dev.strata.provisioning.driver.kubernetes.simulation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRDs' {@code x-kubernetes-validations} rules, evaluated with Google's CEL for Java ({@code dev.cel:cel}) the
 * way {@code apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go} does: each rule of a schema node sees
 * the node's value as {@code self}; a transition rule (one that names {@code oldSelf}) runs only on an update
 * where the old object has a value there, with that value as {@code oldSelf}. A rule that is false answers its
 * {@code message} (else {@code failed rule: <rule>}) at the node's path plus its {@code fieldPath}, with its
 * {@code reason} (default {@code FieldValueInvalid}).
 *
 * <p>Of the Kubernetes CEL libraries only {@code isURL} is provided (PSMDB's {@code spec.vault.endpointURL} uses
 * it). Not modelled: {@code messageExpression} (the static {@code message} is used), cost limits,
 * {@code optionalOldSelf}, and the other Kubernetes libraries (quantity, IP, CIDR, regex extensions, lists, format):
 * {@code self} and {@code oldSelf} are dynamically typed, so a rule that needs one of them does not compile and is
 * skipped; every skipped rule is listed by {@link #skipped()}. No rule of the operators' CRDs at hand is skipped
 * (CrdSchemasTest checks it).
 */
final class CelRules {

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("isURL",
                    CelOverloadDecl.newGlobalOverload("isURL_string", SimpleType.BOOL, SimpleType.STRING)))
            .addVar("self", SimpleType.DYN).addVar("oldSelf", SimpleType.DYN).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addFunctionBindings(CelFunctionBinding.from("isURL_string", String.class, CelRules::isUrl)).build();

    /** A compiled rule, or why it was skipped. */
    private record Compiled(CelRuntime.Program program, boolean transition, String skipped) {
    }

    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();

    private CelRules() {
    }

    static CelRules create() {
        return new CelRules();
    }

    /** Rules that could not be compiled with the standard CEL library, each with why; they are not checked. */
    List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** Compiles every rule of a schema now (tests use this to know which would be skipped). */
    void compileAll(JsonElement schema) {
        if (schema instanceof JsonObject o) {
            for (JsonObject rule : rules(o)) {
                compile(rule.get("rule").getAsString());
            }
            o.entrySet().forEach(e -> compileAll(e.getValue()));
        } else if (schema instanceof JsonArray a) {
            a.forEach(this::compileAll);
        }
    }

    /** Checks the rules of {@code schema} (the node at {@code path}) against {@code value}; adds what fails. */
    void validate(JsonObject schema, JsonElement value, JsonElement old, String path, List<StructuralSchema.FieldError> errors) {
        for (JsonObject rule : rules(schema)) {
            String text = rule.get("rule").getAsString();
            Compiled c = compile(text);
            if (c.program() == null || c.transition() && (old == null || old.isJsonNull())) {
                continue;
            }
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("self", cel(value));
            if (c.transition()) {
                vars.put("oldSelf", cel(old));
            }
            String field = path + (rule.has("fieldPath") ? rule.get("fieldPath").getAsString() : "");
            String reason = rule.has("reason") ? rule.get("reason").getAsString() : "FieldValueInvalid";
            String message = rule.has("message") ? rule.get("message").getAsString() : "failed rule: " + text;
            try {
                Object result = c.program().eval(vars);
                if (!Boolean.TRUE.equals(result)) {
                    errors.add(error(reason, field, value, message));
                }
            } catch (CelEvaluationException e) {
                errors.add(new StructuralSchema.FieldError("FieldValueInvalid", field, "Invalid value: "
                        + StructuralSchema.shown(value) + ": " + text + ": " + e.getMessage()));
            }
        }
    }

    /** The error as {@code fieldErrorForReason} of validation.go words it. */
    private static StructuralSchema.FieldError error(String reason, String field, JsonElement value, String message) {
        String detail = switch (reason) {
            case "FieldValueForbidden" -> "Forbidden: " + message;
            case "FieldValueRequired" -> "Required value: " + message;
            case "FieldValueDuplicate" -> "Duplicate value: " + StructuralSchema.shown(value);
            default -> "Invalid value: " + StructuralSchema.shown(value) + ": " + message;
        };
        return new StructuralSchema.FieldError(reason, field, detail);
    }

    private Compiled compile(String rule) {
        return compiled.computeIfAbsent(rule, r -> {
            try {
                CelAbstractSyntaxTree ast = COMPILER.compile(r).getAst();
                return new Compiled(RUNTIME.createProgram(ast), r.matches("(?s).*\\boldSelf\\b.*"), null);
            } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
                String why = r + " (" + e.getMessage().lines().findFirst().orElse("") + ")";
                skipped.add(why);
                return new Compiled(null, false, why);
            }
        });
    }

    /**
     * Kubernetes' CEL {@code isURL} ({@code k8s.io/apiserver/pkg/cel/library/urls.go}): whether Go's
     * {@code url.ParseRequestURI} takes the text, i.e. an absolute URL or an absolute path, without a fragment.
     */
    private static boolean isUrl(String s) {
        try {
            URI uri = new URI(s);
            return uri.getRawFragment() == null && (uri.isAbsolute() || s.startsWith("/"));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static List<JsonObject> rules(JsonObject schema) {
        JsonElement rules = schema.get("x-kubernetes-validations");
        List<JsonObject> list = new ArrayList<>();
        if (rules instanceof JsonArray a) {
            a.forEach(r -> list.add(r.getAsJsonObject()));
        }
        return list;
    }

    /** A JSON value as CEL sees it: maps, lists, int (long), double, string, bool, null. */
    private static Object cel(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return dev.cel.common.values.NullValue.NULL_VALUE;
        } else if (value instanceof JsonObject o) {
            Map<String, Object> map = new LinkedHashMap<>();
            o.entrySet().forEach(e -> map.put(e.getKey(), cel(e.getValue())));
            return map;
        } else if (value instanceof JsonArray a) {
            List<Object> list = new ArrayList<>();
            a.forEach(e -> list.add(cel(e)));
            return list;
        }
        JsonPrimitive p = value.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        } else if (p.isString()) {
            return p.getAsString();
        }
        BigDecimal d = new BigDecimal(p.getAsNumber().toString());
        return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0 ? (Object) d.longValueExact() : (Object) d.doubleValue();
    }
}
