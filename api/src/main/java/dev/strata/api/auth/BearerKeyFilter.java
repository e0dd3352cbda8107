package dev.strata.api.auth;

import dev.strata.api.problem.Problems;
import dev.strata.provisioning.auth.ApiKeys;
import dev.strata.provisioning.auth.Caller;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;

/** Every API request needs {@code Authorization: Bearer <key>} with an active key; otherwise 401. */
@Provider
@ApplicationScoped
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class BearerKeyFilter implements ContainerRequestFilter {

    private static final String SCHEME = "Bearer ";

    @Inject
    ApiKeys apiKeys;

    @Inject
    CurrentCaller current;

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            request.abortWith(Problems.unauthorized("send an API key as 'Authorization: Bearer <key>'"));
            return;
        }
        if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            request.abortWith(Problems.unauthorized("the Authorization header must use the Bearer scheme"));
            return;
        }
        Optional<Caller> caller = apiKeys.authenticate(header.substring(SCHEME.length()).trim());
        if (caller.isEmpty()) {
            request.abortWith(Problems.unauthorized("the API key is not valid or has been revoked"));
            return;
        }
        current.set(caller.get());
    }
}
