package dev.strata.web.databases;

import dev.strata.domain.shared.ConflictException;
import dev.strata.provisioning.tls.CaCertificates;
import dev.strata.web.security.CurrentUser;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /ca.pem}: the dashboard's download of the CA certificate that verifies the signed-in user's databases (the
 * same file as the API's {@code GET /api/v1/workspaces/{ws}/ca.pem}). Behind the sign-in like every page.
 */
@WebServlet("/ca.pem")
public class CaCertificateServlet extends HttpServlet {

    @Inject
    transient CaCertificates certificates;

    @Inject
    transient CurrentUser user;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String pem;
        try {
            pem = certificates.pem(user.caller(), user.getWorkspaceId());
        } catch (ConflictException e) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        resp.setContentType("application/x-pem-file");
        resp.setHeader("Content-Disposition", "attachment; filename=\"strata-ca.pem\"");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
