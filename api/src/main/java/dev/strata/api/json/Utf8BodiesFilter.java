package dev.strata.api.json;

import dev.strata.api.problem.Problems;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Locale;

/**
 * JSON travels in UTF-8 (RFC 8259 §8.1) and {@link JsonBody} reads it so: a request whose {@code Content-Type}
 * names another charset ({@code application/json; charset=latin1}, or one that does not exist) gets a 415 that says
 * so, instead of being decoded one way or another (or failing in the charset lookup).
 */
@Provider
@PreMatching
@Priority(Priorities.HEADER_DECORATOR) // after the API key check: without a key, 401 comes first
public class Utf8BodiesFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (header == null || header.isBlank() || !request.hasEntity()) {
            return;
        }
        MediaType type;
        try {
            type = MediaType.valueOf(header);
        } catch (IllegalArgumentException e) {
            request.abortWith(Problems.response(415, "unsupported-media-type", "Unsupported Media Type",
                    "the Content-Type header is not a media type; send application/json", List.of()));
            return;
        }
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !charset.toLowerCase(Locale.ROOT).equals("utf-8")) {
            request.abortWith(Problems.response(415, "unsupported-media-type", "Unsupported Media Type",
                    "request bodies are UTF-8; send application/json without a charset or with charset=utf-8", List.of()));
        }
    }
}
