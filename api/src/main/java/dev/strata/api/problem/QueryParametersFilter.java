package dev.strata.api.problem;

import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.Shown;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;

/**
 * Query parameters every endpoint refuses with 400: one given twice ({@code ?page=1&page=2}, ambiguous, instead of
 * silently using one of the values) and values with NUL characters (no field takes them, and the metadata
 * database cannot even compare such text).
 */
@Provider
@Priority(Priorities.USER)
public class QueryParametersFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        for (Map.Entry<String, List<String>> p : request.getUriInfo().getQueryParameters().entrySet()) {
            if (p.getKey().indexOf('\u0000') >= 0 || p.getValue().stream().anyMatch(v -> v.indexOf('\u0000') >= 0)) {
                throw new InvalidInputException(Shown.text(p.getKey()), "query parameter " + Shown.quoted(p.getKey())
                        + " must not contain NUL characters");
            }
            if (p.getValue().size() > 1) {
                throw new InvalidInputException(Shown.text(p.getKey()), "query parameter " + Shown.quoted(p.getKey())
                        + " is given " + p.getValue().size() + " times; give it once");
            }
        }
    }
}
