package dev.strata.api.metrics;

import dev.strata.provisioning.metrics.Metrics;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Times every API request from before the key check (the first filter of all) to its response, whether a resource
 * answered it, a filter refused it or an exception mapper turned an error into problem+json: response filters run
 * for all of them. Requests that matched no resource method (an unknown path, a method the path does not have, a
 * request refused before routing such as a missing key) are counted under the route {@code unmatched}.
 */
@Provider
@PreMatching
@Priority(0) // before BearerKeyFilter (AUTHENTICATION, 1000): a refused key is timed too
public class RequestMetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOG = Logger.getLogger(RequestMetricsFilter.class.getName());
    private static final String STARTED = RequestMetricsFilter.class.getName() + ".started";
    private static final RouteTemplates ROUTES = new RouteTemplates();

    /** Looked up, not injected: the JAX-RS runtime, not CDI, makes this provider, so that it gets {@link ResourceInfo}. */
    private volatile Metrics metrics;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(STARTED) instanceof Long started)) {
            return;
        }
        try {
            String route = ROUTES.route(request.getUriInfo().getBaseUri().getPath(),
                    resource.getResourceClass(), resource.getResourceMethod());
            metrics().httpRequest(route, request.getMethod(), response.getStatus(), Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            // metrics never cost a request its answer
            LOG.fine(() -> "metrics: request not recorded: " + e);
        }
    }

    private Metrics metrics() {
        Metrics m = metrics;
        if (m == null) {
            m = CDI.current().select(Metrics.class).get();
            metrics = m;
        }
        return m;
    }
}
