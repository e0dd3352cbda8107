package dev.strata.web.metrics;

import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.metrics.Metrics;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: every series of the application's registry, in Prometheus text format 0.0.4, or OpenMetrics
 * 1.0 when {@code Accept} asks for {@code application/openmetrics-text} (as Prometheus does). Outside the sign-in
 * (web.xml), like health: a scraper has no session; with {@code STRATA_METRICS_TOKEN} set, a scrape needs
 * {@code Authorization: Bearer <token>} instead (a 401 problem+json otherwise, see {@link MetricsToken}). Other
 * methods are a 405 problem+json.
 */
@WebServlet("/metrics")
public class MetricsServlet extends HttpServlet {

    private static final String ALLOW = "GET, HEAD, OPTIONS";

    @Inject
    transient Metrics metrics;

    @Inject
    transient StrataConfig config;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!MetricsToken.admits(config.metricsToken(), req.getHeader("Authorization"))) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"strata-metrics\"");
            problem(resp, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "Unauthorized",
                    "/metrics needs Authorization: Bearer <token>, the token being STRATA_METRICS_TOKEN");
            return;
        }
        String accept = req.getHeader("Accept");
        // written to memory first: a scrape that fails half-way is an error, not a truncated 200
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        metrics.write(accept, body);
        resp.setContentType(metrics.contentType(accept));
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.size());
        if (!"HEAD".equals(req.getMethod())) {
            body.writeTo(resp.getOutputStream());
        }
    }

    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        doGet(req, resp);
    }

    @Override
    protected void doOptions(HttpServletRequest req, HttpServletResponse resp) {
        resp.setHeader("Allow", ALLOW);
        resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Allow", ALLOW);
        problem(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method-not-allowed", "Method Not Allowed", "/metrics answers " + ALLOW + " only");
    }

    /** A problem+json answer; {@code detail} is a constant of this class (nothing to escape). */
    private static void problem(HttpServletResponse resp, int status, String type, String title, String detail) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/problem+json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(("{\"type\":\"https://strata.dev/problems/" + type + "\",\"title\":\"" + title + "\","
                + "\"status\":" + status + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
