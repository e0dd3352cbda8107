package dev.strata.api.problem;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * A client that accepts only {@code application/problem+json} is served as one that also accepts
 * {@code application/json}. Clients generated from the OpenAPI document send, as {@code Accept}, the media types of
 * the operation's documented responses: for an operation whose success has no body (a 204 DELETE, a 202 sleep) that
 * is the problem type alone, and a strict match against the resources' {@code @Produces(application/json)} would
 * refuse every such call with 406 although nothing but a problem could ever be sent with a body. Other Accept
 * headers (e.g. {@code application/xml} alone) are left as they are and still get 406.
 */
@Provider
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public class ProblemAcceptFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept != null && acceptsOnlyProblems(accept)) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, accept + ", application/json;q=0.9");
        }
    }

    /** Whether the header names application/problem+json and nothing that application/json would match. */
    static boolean acceptsOnlyProblems(String accept) {
        boolean problem = false;
        for (String range : accept.split(",")) {
            String type = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            switch (type) {
                case Problems.MEDIA_TYPE -> problem = true;
                case "application/json", "application/*", "*/*" -> {
                    return false;
                }
                default -> {
                    // another type: does not make application/json acceptable
                }
            }
        }
        return problem;
    }
}
