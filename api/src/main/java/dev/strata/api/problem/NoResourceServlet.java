package dev.strata.api.problem;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * The API module's default servlet: a path of the module outside {@code /api/v1} (e.g. {@code /api/v1/projects/..%2F..}
 * once the container has resolved the dot segments) is no resource, whatever the method. The container's own default
 * servlet answered methods it does not know (PATCH, PROPFIND) with 501 and an HTML page; here every method gets 404
 * as problem+json, like any unknown API path.
 */
@WebServlet(name = "no-resource", urlPatterns = "/")
public class NoResourceServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Response problem = Problems.forStatus(404, "there is no API resource at this path; the API is under /api/v1");
        resp.setStatus(404);
        resp.setContentType(Problems.MEDIA_TYPE);
        resp.setCharacterEncoding("UTF-8");
        if (!"HEAD".equals(req.getMethod())) {
            resp.getWriter().write(String.valueOf(problem.getEntity()));
        }
    }
}
