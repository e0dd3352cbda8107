package dev.strata.api.metrics;

import dev.strata.provisioning.metrics.StrataSeries;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The route template of a resource method, as a metrics label: the API's base path, the class's {@code @Path} and
 * the method's, e.g. {@code /api/v1/workspaces/{wsId}/databases/{dbId}}. Bounded by the API's methods, whatever
 * ids the requests carry; a parameter's regular expression ({@code {id: [a-z]+}}) is left out.
 */
final class RouteTemplates {

    private static final Pattern SLASHES = Pattern.compile("/{2,}");

    private final Map<Method, String> byMethod = new ConcurrentHashMap<>();

    /**
     * @param basePath the application's base path, e.g. {@code /api/v1/}
     * @param resource the matched resource class, null when none matched
     * @param method   the matched resource method, null when none matched
     */
    String route(String basePath, Class<?> resource, Method method) {
        if (resource == null || method == null) {
            return StrataSeries.UNMATCHED;
        }
        return byMethod.computeIfAbsent(method, m -> of(basePath, resource, m));
    }

    static String of(String basePath, Class<?> resource, Method method) {
        StringBuilder route = new StringBuilder(basePath == null ? "" : basePath);
        route.append('/').append(path(classPath(resource)));
        route.append('/').append(path(method.getAnnotation(Path.class)));
        String normalized = SLASHES.matcher(withoutRegexes(route)).replaceAll("/");
        if (normalized.length() > 1 && normalized.endsWith("/")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        return normalized.startsWith("/") ? normalized : "/" + normalized;
    }

    /** {@code {id: [a-z]{26}}} becomes {@code {id}} (a regular expression may hold braces of its own). */
    private static String withoutRegexes(CharSequence template) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int depth = 1;
            int j = i + 1;
            StringBuilder name = new StringBuilder();
            boolean inName = true;
            while (j < template.length() && depth > 0) {
                char d = template.charAt(j++);
                if (d == '{') {
                    depth++;
                } else if (d == '}') {
                    depth--;
                } else if (d == ':' && depth == 1) {
                    inName = false;
                } else if (inName && !Character.isWhitespace(d)) {
                    name.append(d);
                }
            }
            out.append('{').append(name).append('}');
            i = j;
        }
        return out.toString();
    }

    /** The class's {@code @Path}, or its nearest superclass's: a container's proxy subclass does not inherit it. */
    private static Path classPath(Class<?> resource) {
        for (Class<?> c = resource; c != null && c != Object.class; c = c.getSuperclass()) {
            Path p = c.getAnnotation(Path.class);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static String path(Path path) {
        return path == null ? "" : path.value();
    }
}
