package dev.strata.api.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;

/**
 * The error page of the API's web module (web.xml): errors the servlet container answers itself, before any API
 * code runs (a path outside {@code /api/v1}, e.g. after {@code ..%2F} segments; a method the default servlet
 * refuses), come out as problem+json like every other API error instead of an HTML page.
 */
@WebServlet(name = "container-problem", urlPatterns = "/problem")
public class ContainerProblemServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 404;
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "no such resource";
            case 403, 405 -> "this method is not allowed here";
            case 400 -> "the request is malformed";
            default -> title;
        };
        if (status >= 500) {
            detail = "an unexpected error occurred";
        }
        Response problem = Problems.response(status, title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-"),
                title, detail, List.of());
        resp.setStatus(status);
        resp.setContentType("application/problem+json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(String.valueOf(problem.getEntity()));
    }
}
