package dev.strata.api.problem;

import dev.strata.domain.shared.FieldError;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Builds RFC 9457 {@code application/problem+json} responses. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType PROBLEM_JSON = MediaType.valueOf(MEDIA_TYPE);
    private static final String TYPE_BASE = "https://strata.dev/problems/";

    private Problems() {
    }

    public static Response response(int status, String type, String title, String detail, List<FieldError> errors) {
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("type", TYPE_BASE + type)
                .add("title", title)
                .add("status", status)
                .add("detail", detail == null ? title : detail);
        if (errors != null && !errors.isEmpty()) {
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (FieldError e : errors) {
                list.add(Json.createObjectBuilder().add("field", e.field()).add("message", e.message()));
            }
            body.add("errors", list);
        }
        return Response.status(status).type(PROBLEM_JSON).entity(body.build().toString()).build();
    }

    /**
     * The problem for a bare HTTP error status (one JAX-RS or the servlet container raised, with no domain reason):
     * the status's reason phrase as title and a detail a client can act on. {@code detail} overrides the default.
     */
    public static Response forStatus(int status, String detail) {
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String standard = switch (status) {
            case 400 -> "the request is malformed";
            case 403, 405 -> "this method is not allowed here";
            case 404 -> "no such resource";
            case 406 -> "this resource answers with application/json";
            case 415 -> "send the body as application/json";
            default -> title;
        };
        return response(status, title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-"), title,
                detail != null ? detail : standard, List.of());
    }

    public static Response unauthorized(String detail) {
        Response r = response(401, "unauthorized", "Unauthorized", detail, List.of());
        return Response.fromResponse(r).header("WWW-Authenticate", "Bearer realm=\"strata\"").build();
    }
}
