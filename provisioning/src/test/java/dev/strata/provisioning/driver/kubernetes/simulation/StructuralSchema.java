package dev.strata.provisioning.driver.kubernetes.simulation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One version's {@code openAPIV3Schema} of a CustomResourceDefinition, applied to a custom resource as the
 * apiextensions-apiserver applies a structural schema: {@link #decode} prunes unknown fields and applies the
 * schema's defaults (what the API server does when it decodes a request body, and again after mutating
 * admission), {@link #validate} checks the result (what the registry strategy does before storing it).
 *
 * <p>Modelled on kubernetes {@code staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/}
 * {@code pruning/algorithm.go} ({@code Prune}: fields not in {@code properties} are dropped unless the node has
 * {@code x-kubernetes-preserve-unknown-fields}; {@code additionalProperties} maps keep every key; the root's and an
 * {@code x-kubernetes-embedded-resource}'s {@code apiVersion}, {@code kind}, {@code metadata} are kept),
 * {@code defaulting/algorithm.go} ({@code Default}: an absent field, or a null one that is not {@code nullable},
 * gets a copy of its {@code default}, then children are defaulted; {@code PruneNonNullableNullsWithoutDefaults}
 * drops the remaining nulls that are not {@code nullable}), and of {@code k8s.io/kube-openapi/pkg/validation/validate}
 * with the error conversion of {@code apiextensions-apiserver/pkg/apiserver/validation/validation.go} for
 * {@link #validate} (type incl. integer and {@code x-kubernetes-int-or-string}, required, enum, pattern,
 * minimum/maximum, min/maxLength, min/maxItems, min/maxProperties, {@code anyOf}, the string formats the API
 * server checks, list types {@code set} and {@code map} (no duplicates, {@code validation.ValidateListSetsAndMaps})
 * and {@code x-kubernetes-validations} through {@link CelRules}).
 *
 * <p>Formats: the API server validates the string formats of its {@code strfmt} registry (of those in the
 * operators' CRDs: {@code date-time}, {@code byte}); {@code int32} and {@code int64} are not range-checked by it
 * (kube-openapi's type validator only compares JSON types), so neither are they here. Not modelled, as no CRD
 * here uses them: {@code allOf}, {@code oneOf}, {@code not}, {@code multipleOf}, {@code uniqueItems}.
 */
public final class StructuralSchema {

    /** A field error as the API server reports it in a 422 Status's {@code details.causes}. */
    public record FieldError(String reason, String field, String message) {
        /** {@code <field>: <message>}, as in the Status's message. */
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    /** The keys of {@code ObjectMeta}: other keys of {@code metadata} are dropped when it is decoded. */
    private static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");

    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private final JsonObject root;
    private final CelRules cel;

    StructuralSchema(JsonObject openApiV3Schema, CelRules cel) {
        this.root = openApiV3Schema;
        this.cel = cel;
    }

    /** The schema itself, for tests that look at what it says. */
    public JsonObject schema() {
        return root;
    }

    // --- decoding: pruning and defaulting ---------------------------------------------------------------------

    /**
     * What the API server does to a custom resource it decodes (a request's body, or the object a mutating
     * webhook answered): unknown fields are pruned, numbers take their canonical JSON form ({@code 1.0} is stored
     * as {@code 1}, Go's encoding of the float it decodes), defaults are applied and nulls the schema does not
     * allow are dropped. Changes {@code object} in place.
     */
    public void decode(JsonObject object) {
        prune(object, root, true);
        applyDefaults(object, root);
        dropNonNullableNulls(object, root);
    }

    private static void prune(JsonElement value, JsonObject schema, boolean resourceRoot) {
        if (value instanceof JsonArray array) {
            JsonObject items = schema == null ? null : object(schema, "items");
            for (int i = 0; i < array.size(); i++) {
                JsonElement item = array.get(i);
                if (item.isJsonPrimitive()) {
                    array.set(i, canonicalNumber(item.getAsJsonPrimitive()));
                } else {
                    prune(item, items, false);
                }
            }
            return;
        }
        if (!(value instanceof JsonObject object)) {
            return;
        }
        boolean embedded = resourceRoot || schema != null && flag(schema, "x-kubernetes-embedded-resource");
        boolean preserve = schema == null || flag(schema, "x-kubernetes-preserve-unknown-fields");
        JsonObject properties = schema == null ? null : object(schema, "properties");
        JsonObject additional = schema == null ? null : object(schema, "additionalProperties");
        for (String key : List.copyOf(object.keySet())) {
            JsonElement child = object.get(key);
            if (child.isJsonPrimitive()) {
                object.add(key, canonicalNumber(child.getAsJsonPrimitive()));
            }
            if (embedded && (key.equals("apiVersion") || key.equals("kind"))) {
                continue;
            }
            if (embedded && key.equals("metadata")) {
                if (child instanceof JsonObject meta) {
                    meta.keySet().removeIf(k -> !OBJECT_META.contains(k));
                }
                continue;
            }
            JsonObject childSchema = properties != null ? object(properties, key) : null;
            if (childSchema == null && additional != null) {
                childSchema = additional;
            }
            if (childSchema != null) {
                prune(child, childSchema, false);
            } else if (preserve) {
                prune(child, null, false); // unknown but kept: its own fields are kept too
            } else {
                object.remove(key);
            }
        }
    }

    /** A number as the API server stores it: an integral value without fraction or exponent. */
    private static JsonPrimitive canonicalNumber(JsonPrimitive p) {
        if (!p.isNumber()) {
            return p;
        }
        String text = p.getAsNumber().toString();
        if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
            return p;
        }
        BigDecimal d = new BigDecimal(text);
        if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.TEN.pow(18)) < 0) {
            return new JsonPrimitive(d.longValueExact());
        }
        return p;
    }

    private static void applyDefaults(JsonElement value, JsonObject schema) {
        if (schema == null) {
            return;
        }
        if (value instanceof JsonArray array) {
            JsonObject items = object(schema, "items");
            for (JsonElement item : array) {
                applyDefaults(item, items);
            }
            return;
        }
        if (!(value instanceof JsonObject object)) {
            return;
        }
        JsonObject properties = object(schema, "properties");
        if (properties != null) {
            for (Map.Entry<String, JsonElement> p : properties.entrySet()) {
                JsonObject prop = p.getValue().getAsJsonObject();
                JsonElement current = object.get(p.getKey());
                if (prop.has("default") && (current == null || current.isJsonNull() && !flag(prop, "nullable"))) {
                    object.add(p.getKey(), prop.get("default").deepCopy());
                }
            }
        }
        JsonObject additional = object(schema, "additionalProperties");
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            JsonObject childSchema = properties != null ? object(properties, e.getKey()) : null;
            applyDefaults(e.getValue(), childSchema != null ? childSchema : additional);
        }
    }

    private static void dropNonNullableNulls(JsonElement value, JsonObject schema) {
        if (schema == null) {
            return;
        }
        if (value instanceof JsonArray array) {
            for (JsonElement item : array) {
                dropNonNullableNulls(item, object(schema, "items"));
            }
            return;
        }
        if (!(value instanceof JsonObject object)) {
            return;
        }
        JsonObject properties = object(schema, "properties");
        JsonObject additional = object(schema, "additionalProperties");
        for (String key : List.copyOf(object.keySet())) {
            JsonObject prop = properties != null ? object(properties, key) : null;
            JsonElement child = object.get(key);
            if (prop != null && child.isJsonNull() && !prop.has("default") && !flag(prop, "nullable")) {
                object.remove(key);
            } else {
                dropNonNullableNulls(child, prop != null ? prop : additional);
            }
        }
    }

    // --- validation -------------------------------------------------------------------------------------------

    /**
     * The errors the API server would answer for {@code object} (a create when {@code old} is null, else an update
     * of {@code old}), in the order it finds them; empty when it is valid. {@code apiVersion}, {@code kind} and
     * {@code metadata} of the root are the API server's own (ObjectMeta validation), not the schema's.
     */
    public List<FieldError> validate(JsonObject object, JsonObject old) {
        List<FieldError> errors = new ArrayList<>();
        validateObjectMeta(object, errors);
        JsonObject properties = object(root, "properties");
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            String key = e.getKey();
            if (key.equals("apiVersion") || key.equals("kind") || key.equals("metadata")) {
                continue;
            }
            JsonObject prop = properties == null ? null : object(properties, key);
            if (prop != null) {
                validate(e.getValue(), old == null ? null : old.get(key), prop, key, errors);
            }
        }
        for (JsonElement r : array(root, "required")) {
            String key = r.getAsString();
            if (!key.equals("metadata") && !key.equals("apiVersion") && !key.equals("kind") && !object.has(key)) {
                errors.add(new FieldError("FieldValueRequired", key, "Required value"));
            }
        }
        if (cel != null) {
            cel.validate(root, object, old, "", errors);
        }
        return errors;
    }

    private void validate(JsonElement value, JsonElement old, JsonObject schema, String path, List<FieldError> errors) {
        if (value == null || old != null && sameValue(value, old)) {
            return; // CRDValidationRatcheting (GA in 1.33): an update does not fail on what it left unchanged
        }
        if (value.isJsonNull()) {
            if (!flag(schema, "nullable") && schema.has("type")) {
                errors.add(typeInvalid(path, value, schema.get("type").getAsString()));
            }
            return;
        }
        String typeError = typeError(value, schema);
        if (typeError != null) {
            errors.add(typeInvalid(path, value, typeError));
            return;
        }
        int before = errors.size();
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonElement allowed : schema.getAsJsonArray("enum")) {
                listed |= sameValue(allowed, value);
            }
            if (!listed) {
                List<String> supported = new ArrayList<>();
                schema.getAsJsonArray("enum").forEach(a -> supported.add(a.toString()));
                errors.add(new FieldError("FieldValueNotSupported", path,
                        "Unsupported value: " + value + ": supported values: " + String.join(", ", supported)));
            }
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            validateString(value.getAsString(), value, schema, path, errors);
        } else if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            validateNumber(new BigDecimal(value.getAsNumber().toString()), value, schema, path, errors);
        } else if (value instanceof JsonArray array) {
            validateArray(array, old instanceof JsonArray oldArray ? oldArray : null, schema, path, errors);
        } else if (value instanceof JsonObject object) {
            validateObject(object, old instanceof JsonObject oldObject ? oldObject : null, schema, path, errors);
        }
        if (schema.has("anyOf") && !flag(schema, "x-kubernetes-int-or-string")) {
            boolean any = false;
            for (JsonElement branch : schema.getAsJsonArray("anyOf")) {
                List<FieldError> branchErrors = new ArrayList<>();
                validate(value, old, branch.getAsJsonObject(), path, branchErrors);
                any |= branchErrors.isEmpty();
            }
            if (!any) {
                errors.add(new FieldError("FieldValueInvalid", path, "Invalid value: " + shown(value) + ": "
                        + path + " in body must validate at least one schema (anyOf)"));
            }
        }
        if (cel != null && errors.size() == before) { // rules run only on values their schema accepts
            cel.validate(schema, value, old, path, errors);
        }
    }

    /** Why {@code value} is not of the schema's type, in kube-openapi's words, or null. */
    private static String typeError(JsonElement value, JsonObject schema) {
        String actual = jsonType(value);
        if (flag(schema, "x-kubernetes-int-or-string")) {
            return actual.equals("integer") || actual.equals("string") ? null : "integer or string";
        }
        String type = schema.has("type") ? schema.get("type").getAsString() : "";
        if (type.isEmpty() || type.equals(actual) || type.equals("number") && actual.equals("integer")) {
            return null;
        }
        return type;
    }

    private static String jsonType(JsonElement value) {
        if (value instanceof JsonObject) {
            return "object";
        } else if (value instanceof JsonArray) {
            return "array";
        }
        JsonPrimitive p = value.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return "boolean";
        } else if (p.isString()) {
            return "string";
        }
        BigDecimal d = new BigDecimal(p.getAsNumber().toString());
        return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0 ? "integer" : "number";
    }

    private static FieldError typeInvalid(String path, JsonElement value, String type) {
        String actual = value.isJsonNull() ? "null" : jsonType(value);
        return new FieldError("FieldValueTypeInvalid", path, "Invalid value: \"" + actual + "\": " + path
                + " in body must be of type " + type + ": \"" + actual + "\"");
    }

    private static void validateString(String s, JsonElement value, JsonObject schema, String path, List<FieldError> errors) {
        int length = s.codePointCount(0, s.length());
        if (schema.has("maxLength") && length > schema.get("maxLength").getAsLong()) {
            errors.add(new FieldError("FieldValueTooLong", path, "Too long: may not be more than "
                    + schema.get("maxLength").getAsLong() + " bytes"));
        }
        if (schema.has("minLength") && length < schema.get("minLength").getAsLong()) {
            errors.add(invalid(path, value, "should be at least " + schema.get("minLength").getAsLong() + " chars long"));
        }
        if (schema.has("pattern")) {
            String regex = schema.get("pattern").getAsString();
            if (!pattern(regex).matcher(s).find()) { // Go's regexp.MatchString: a match anywhere, unless anchored
                errors.add(invalid(path, value, "should match '" + regex + "'"));
            }
        }
        String format = schema.has("format") ? schema.get("format").getAsString() : "";
        if (format.equals("date-time") && !isDateTime(s) || format.equals("byte") && !isBase64(s)) {
            errors.add(invalid(path, value, "must be of type " + format + ": " + value));
        }
    }

    private static void validateNumber(BigDecimal n, JsonElement value, JsonObject schema, String path, List<FieldError> errors) {
        if (schema.has("minimum")) {
            BigDecimal min = schema.get("minimum").getAsBigDecimal();
            boolean exclusive = flag(schema, "exclusiveMinimum");
            if (exclusive ? n.compareTo(min) <= 0 : n.compareTo(min) < 0) {
                errors.add(invalid(path, value, "should be greater than " + (exclusive ? "" : "or equal to ") + plain(min)));
            }
        }
        if (schema.has("maximum")) {
            BigDecimal max = schema.get("maximum").getAsBigDecimal();
            boolean exclusive = flag(schema, "exclusiveMaximum");
            if (exclusive ? n.compareTo(max) >= 0 : n.compareTo(max) > 0) {
                errors.add(invalid(path, value, "should be less than " + (exclusive ? "" : "or equal to ") + plain(max)));
            }
        }
    }

    private void validateArray(JsonArray array, JsonArray old, JsonObject schema, String path, List<FieldError> errors) {
        if (schema.has("maxItems") && array.size() > schema.get("maxItems").getAsLong()) {
            errors.add(new FieldError("FieldValueTooMany", path, "Too many: " + array.size() + ": must have at most "
                    + schema.get("maxItems").getAsLong() + " items"));
        }
        if (schema.has("minItems") && array.size() < schema.get("minItems").getAsLong()) {
            errors.add(invalid(path, array, "should have at least " + schema.get("minItems").getAsLong() + " items"));
        }
        JsonObject items = object(schema, "items");
        String listType = schema.has("x-kubernetes-list-type") ? schema.get("x-kubernetes-list-type").getAsString() : "atomic";
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            JsonElement item = array.get(i);
            String at = path + "[" + i + "]";
            if (items != null) {
                // transition rules of list items compare with the old item of the same key (map lists) only
                validate(item, null, items, at, errors);
            }
            String key = switch (listType) {
                case "set" -> item.toString();
                case "map" -> mapKey(item, array(schema, "x-kubernetes-list-map-keys"));
                default -> null;
            };
            if (key != null && !seen.add(key)) {
                errors.add(new FieldError("FieldValueDuplicate", at, "Duplicate value: " + shown(listType.equals("set") ? item : keyObject(item, array(schema, "x-kubernetes-list-map-keys")))));
            }
        }
    }

    private static String mapKey(JsonElement item, JsonArray keys) {
        return keyObject(item, keys).toString();
    }

    private static JsonObject keyObject(JsonElement item, JsonArray keys) {
        JsonObject key = new JsonObject();
        if (item instanceof JsonObject o) {
            for (JsonElement k : keys) {
                key.add(k.getAsString(), o.has(k.getAsString()) ? o.get(k.getAsString()) : JsonNull.INSTANCE);
            }
        }
        return key;
    }

    private void validateObject(JsonObject object, JsonObject old, JsonObject schema, String path, List<FieldError> errors) {
        if (schema.has("maxProperties") && object.size() > schema.get("maxProperties").getAsLong()) {
            errors.add(new FieldError("FieldValueTooMany", path, "Too many: " + object.size() + ": must have at most "
                    + schema.get("maxProperties").getAsLong() + " items"));
        }
        if (schema.has("minProperties") && object.size() < schema.get("minProperties").getAsLong()) {
            errors.add(invalid(path, object, "should have at least " + schema.get("minProperties").getAsLong() + " properties"));
        }
        for (JsonElement r : array(schema, "required")) {
            if (!object.has(r.getAsString())) {
                errors.add(new FieldError("FieldValueRequired", path + "." + r.getAsString(), "Required value"));
            }
        }
        JsonObject properties = object(schema, "properties");
        JsonObject additional = object(schema, "additionalProperties");
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            JsonObject prop = properties != null ? object(properties, e.getKey()) : null;
            JsonElement oldChild = old == null ? null : old.get(e.getKey());
            if (prop != null) {
                validate(e.getValue(), oldChild, prop, path + "." + e.getKey(), errors);
            } else if (additional != null) {
                validate(e.getValue(), oldChild, additional, path + "[" + e.getKey() + "]", errors);
            }
        }
    }

    private static FieldError invalid(String path, JsonElement value, String rule) {
        return new FieldError("FieldValueInvalid", path, "Invalid value: " + shown(value) + ": " + path + " in body " + rule);
    }

    /** A value as {@code field.Invalid} prints it: strings quoted, objects and lists as {@code "object"}, {@code "array"}. */
    static String shown(JsonElement value) {
        if (value instanceof JsonObject) {
            return "\"object\"";
        } else if (value instanceof JsonArray) {
            return "\"array\"";
        }
        return value.toString();
    }

    // --- ObjectMeta (k8s.io/apimachinery pkg/api/validation/objectmeta.go, util/validation/validation.go) -------

    private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    /**
     * What the API server checks of every object's metadata ({@code ValidateObjectMetaAccessor} with
     * {@code NameIsDNSSubdomain}, as {@code customResourceStrategy.Validate} calls it): the name, label keys and
     * values, annotation keys and their total size.
     */
    private static void validateObjectMeta(JsonObject object, List<FieldError> errors) {
        JsonObject meta = object(object, "metadata");
        if (meta == null) {
            errors.add(new FieldError("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"));
            return;
        }
        if (meta.has("name")) {
            String name = meta.get("name").getAsString();
            if (name.length() > 253) {
                errors.add(new FieldError("FieldValueInvalid", "metadata.name", "Invalid value: \"" + name + "\": must be no more than 253 characters"));
            } else if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
                errors.add(new FieldError("FieldValueInvalid", "metadata.name", "Invalid value: \"" + name + "\": a lowercase RFC 1123 "
                        + "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                        + "alphanumeric character (e.g. 'example.com', regex used for validation is '" + DNS1123_SUBDOMAIN + "')"));
            }
        } else if (!meta.has("generateName")) {
            errors.add(new FieldError("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"));
        }
        JsonObject labels = object(meta, "labels");
        if (labels != null) {
            for (Map.Entry<String, JsonElement> l : labels.entrySet()) {
                qualifiedName(l.getKey(), "metadata.labels", errors);
                String v = l.getValue().isJsonNull() ? "" : l.getValue().getAsString();
                if (v.length() > 63) {
                    errors.add(new FieldError("FieldValueInvalid", "metadata.labels", "Invalid value: \"" + v + "\": must be no more than 63 characters"));
                } else if (!v.isEmpty() && !QUALIFIED_NAME.matcher(v).matches()) {
                    errors.add(new FieldError("FieldValueInvalid", "metadata.labels", "Invalid value: \"" + v + "\": a valid label must be an "
                            + "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
                }
            }
        }
        JsonObject annotations = object(meta, "annotations");
        if (annotations != null) {
            long size = 0;
            for (Map.Entry<String, JsonElement> a : annotations.entrySet()) {
                qualifiedName(a.getKey().toLowerCase(java.util.Locale.ROOT), "metadata.annotations", errors);
                size += a.getKey().length() + (a.getValue().isJsonNull() ? 0 : a.getValue().getAsString().length());
            }
            if (size > 256 * 1024) {
                errors.add(new FieldError("FieldValueTooLong", "metadata.annotations", "Too long: may not be more than 262144 bytes"));
            }
        }
    }

    /** {@code IsQualifiedName}: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
    private static void qualifiedName(String key, String field, List<FieldError> errors) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        String problem = null;
        if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches())) {
            problem = "prefix part must be a lowercase RFC 1123 subdomain";
        } else if (name.isEmpty() || name.indexOf('/') >= 0) {
            problem = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
        } else if (name.length() > 63) {
            problem = "name part must be no more than 63 characters";
        } else if (!QUALIFIED_NAME.matcher(name).matches()) {
            problem = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
        }
        if (problem != null) {
            errors.add(new FieldError("FieldValueInvalid", field, "Invalid value: \"" + key + "\": " + problem));
        }
    }

    private static boolean sameValue(JsonElement a, JsonElement b) {
        if (a.isJsonPrimitive() && b.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber() && b.getAsJsonPrimitive().isNumber()) {
            return new BigDecimal(a.getAsNumber().toString()).compareTo(new BigDecimal(b.getAsNumber().toString())) == 0;
        }
        return a.equals(b);
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    private static Pattern pattern(String regex) {
        return PATTERNS.computeIfAbsent(regex, r -> {
            try {
                return Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                throw new IllegalStateException("a CRD's pattern is not a Java regular expression: " + r, e);
            }
        });
    }

    /** strfmt's {@code date-time}: RFC 3339 (a space instead of {@code T} is accepted too, as strfmt does). */
    private static boolean isDateTime(String s) {
        try {
            OffsetDateTime.parse(s.replace(' ', 'T').replace('t', 'T').replace('z', 'Z'));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isBase64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e instanceof JsonObject j ? j : null;
    }

    private static JsonArray array(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e instanceof JsonArray a ? a : new JsonArray();
    }

    static boolean flag(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }
}
