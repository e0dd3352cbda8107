package dev.strata.api.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * The error page of the API's web module (web.xml) and its default servlet. Errors the servlet container answers
 * itself, before any API code runs, come out as problem+json like every other API error instead of an HTML page;
 * and a path of the module outside {@code /api/v1} (e.g. {@code /api/v1/projects/..%2F..} once the container has
 * resolved the dot segments) is a 404 for every method: the container's own default servlet answered methods it does
 * not know (PATCH) with 501 and an HTML page.
 */
@WebServlet(name = "container-problem", urlPatterns = {"/problem", "/"})
public class ContainerProblemServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 404;
        // a 5xx here says nothing of its cause: the server log has it
        String detail = status >= 500 ? "an unexpected error occurred"
                : code == null ? "there is no API resource at this path; the API is under /api/v1" : null;
        Response problem = Problems.forStatus(status, detail);
        resp.setStatus(status);
        resp.setContentType(Problems.MEDIA_TYPE);
        resp.setCharacterEncoding("UTF-8");
        if (!"HEAD".equals(req.getMethod())) {
            resp.getWriter().write(String.valueOf(problem.getEntity()));
        }
    }
}
