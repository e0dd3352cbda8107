package dev.strata.provisioning.storage.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A bucket policy ({@code PutBucketPolicy}, IAM JSON) as far as Strata uses it: which actions it grants to
 * everyone ({@code "Principal": "*"} or {@code {"AWS": "*"}}), i.e. whether anonymous requests may read objects
 * ({@code s3:GetObject}) or list the bucket ({@code s3:ListBucket}). An explicit Deny for everyone wins; statements
 * with a Condition are kept but grant nothing (Strata does not evaluate conditions: it fails closed). The project's
 * own keys always have full access to its buckets.
 */
record BucketPolicy(String json, List<Statement> statements) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EFFECTS = Set.of("Allow", "Deny");

    record Statement(boolean allow, boolean everyone, List<String> actions, List<String> resources, JsonNode condition) {
        boolean conditional() {
            return condition != null;
        }
    }

    static BucketPolicy parse(String bucket, byte[] body) {
        if (body.length > 20 * 1024) {
            throw malformed("Policies must be 20 KB or smaller");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw malformed("Policies must be valid JSON and the first byte must be '{'");
        }
        if (root == null || !root.isObject()) {
            throw malformed("Policies must be valid JSON and the first byte must be '{'");
        }
        JsonNode statementNode = root.get("Statement");
        if (statementNode == null) {
            throw malformed("Missing required field Statement");
        }
        List<JsonNode> statementNodes = new ArrayList<>();
        if (statementNode.isArray()) {
            statementNode.forEach(statementNodes::add);
        } else {
            statementNodes.add(statementNode);
        }
        if (statementNodes.isEmpty()) {
            throw malformed("Missing required field Statement");
        }
        List<Statement> statements = new ArrayList<>();
        for (JsonNode s : statementNodes) {
            if (!s.isObject()) {
                throw malformed("Statement must be an object");
            }
            String effect = s.path("Effect").asText(null);
            if (effect == null || !EFFECTS.contains(effect)) {
                throw malformed("Invalid effect: " + effect);
            }
            JsonNode principal = s.get("Principal");
            if (principal == null) {
                throw malformed("Missing required field Principal");
            }
            boolean everyone = principal.isTextual() && principal.asText().equals("*")
                    || principal.isObject() && strings(principal.get("AWS")).contains("*");
            List<String> actions = strings(s.get("Action"));
            if (actions.isEmpty() || actions.stream().anyMatch(a -> !a.equals("*") && !a.startsWith("s3:"))) {
                throw malformed("Policy has invalid action");
            }
            List<String> resources = strings(s.get("Resource"));
            if (resources.isEmpty()) {
                throw malformed("Missing required field Resource");
            }
            for (String r : resources) {
                if (!r.equals("arn:aws:s3:::" + bucket) && !r.startsWith("arn:aws:s3:::" + bucket + "/")) {
                    throw malformed("Policy has invalid resource");
                }
            }
            JsonNode condition = s.get("Condition");
            if (condition != null && !condition.isObject()) {
                throw malformed("Policy has an invalid condition: " + condition);
            }
            statements.add(new Statement(effect.equals("Allow"), everyone, actions, resources, condition));
        }
        return new BucketPolicy(new String(body, java.nio.charset.StandardCharsets.UTF_8), List.copyOf(statements));
    }

    /** Whether a statement allows everyone something (what BlockPublicPolicy refuses and policyStatus reports). */
    boolean grantsEveryone() {
        return statements.stream().anyMatch(s -> s.allow() && s.everyone() && !s.conditional());
    }

    /** Whether an anonymous request may do {@code action} (e.g. {@code s3:GetObject}) on {@code resource} (an ARN). */
    boolean allowsEveryone(String action, String resource) {
        boolean allowed = false;
        for (Statement s : statements) {
            if (!s.everyone() || !matches(s.actions(), action) || !matches(s.resources(), resource)) {
                continue;
            }
            if (!s.allow()) {
                return false; // an explicit deny, conditional or not, wins
            }
            allowed |= !s.conditional();
        }
        return allowed;
    }

    /**
     * Whether an explicit Deny for everyone (the bucket's own project included, as in S3) refuses {@code action} on
     * {@code resource} for a request whose condition keys have the values {@code keys} gives (null: absent). The
     * conditions evaluated are the ones such policies use: {@code Null}, {@code StringEquals},
     * {@code StringNotEquals}, {@code StringLike}, {@code StringNotLike} and {@code Bool} over request headers
     * ({@code s3:x-amz-server-side-encryption}, {@code s3:x-amz-acl}, …) and {@code aws:SecureTransport}. A Deny
     * whose condition uses anything else refuses (fails closed).
     */
    boolean denies(String action, String resource, java.util.function.Function<String, String> keys) {
        for (Statement s : statements) {
            if (s.allow() || !s.everyone() || !matches(s.actions(), action) || !matches(s.resources(), resource)) {
                continue;
            }
            if (s.condition() == null || conditionHolds(s.condition(), keys)) {
                return true;
            }
        }
        return false;
    }

    private static boolean conditionHolds(JsonNode condition, java.util.function.Function<String, String> keys) {
        var operators = condition.fields();
        while (operators.hasNext()) {
            var operator = operators.next();
            if (!operator.getValue().isObject()) {
                return true;
            }
            var entries = operator.getValue().fields();
            while (entries.hasNext()) {
                var entry = entries.next();
                String value = keys.apply(entry.getKey().toLowerCase(java.util.Locale.ROOT));
                List<String> wanted = strings(entry.getValue().isBoolean() ? JSON.valueToTree(entry.getValue().asText()) : entry.getValue());
                boolean holds = switch (operator.getKey()) {
                    case "Null" -> wanted.stream().anyMatch(w -> Boolean.parseBoolean(w) == (value == null));
                    case "StringEquals", "Bool" -> value != null && wanted.contains(value);
                    case "StringNotEquals" -> value == null || !wanted.contains(value);
                    case "StringLike" -> value != null && wanted.stream().anyMatch(w -> wildcardIam(w, value));
                    case "StringNotLike" -> value == null || wanted.stream().noneMatch(w -> wildcardIam(w, value));
                    default -> true; // not evaluated here: a Deny fails closed
                };
                if (!holds) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matches(List<String> patterns, String value) {
        return patterns.stream().anyMatch(p -> wildcardIam(p, value));
    }

    /** IAM's wildcards: {@code *} any run of characters, {@code ?} one character. */
    private static boolean wildcardIam(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return value.matches("(?s)" + regex);
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(n -> {
                if (!n.isTextual()) {
                    throw malformed("Policy has an invalid value: " + n);
                }
                out.add(n.asText());
            });
        } else {
            throw malformed("Policy has an invalid value: " + node);
        }
        return out;
    }

    private static S3Failure malformed(String message) {
        return new S3Failure(400, "MalformedPolicy", message);
    }
}
