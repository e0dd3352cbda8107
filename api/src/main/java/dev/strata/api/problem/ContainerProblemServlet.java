package dev.strata.api.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

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
        // a 5xx here says nothing of its cause: the server log has it
        Response problem = Problems.forStatus(status, status >= 500 ? "an unexpected error occurred" : null);
        resp.setStatus(status);
        resp.setContentType(Problems.MEDIA_TYPE);
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(String.valueOf(problem.getEntity()));
    }
}
