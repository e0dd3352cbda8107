package dev.strata.web.secrets;

import dev.strata.domain.shared.NotFoundException;
import dev.strata.provisioning.secrets.SecretReveals;
import dev.strata.provisioning.secrets.SecretReveals.Action;
import dev.strata.web.security.CurrentUser;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code POST /secrets/reveal} ({@code ref=<SecretRef>&action=reveal|copy}): one secret as {@code text/plain}, for the
 * dashboard's Reveal and Copy buttons. Behind the sign-in like every page (no session: the sign-in redirect), and
 * only from the dashboard's own pages: the session's {@link SessionToken} in {@code X-Strata-Token} and, when the
 * browser says where the request comes from ({@code Origin}, {@code Sec-Fetch-Site}), this origin; 403 otherwise.
 * A reference to something the user's workspace does not have is 404, exactly as its page is "not found". Each
 * answer is recorded as a {@code secret.revealed} event and never cached.
 */
@WebServlet("/secrets/reveal")
public class RevealServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    public static final String TOKEN_HEADER = "X-Strata-Token";

    @Inject
    transient SecretReveals reveals;

    @Inject
    transient CurrentUser user;

    @Inject
    transient SessionToken token;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        if (!sameOrigin(req) || !token.matches(req.getHeader(TOKEN_HEADER))) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        Optional<SecretRef> ref;
        try {
            ref = SecretRef.parse(req.getParameter("ref"));
        } catch (NotFoundException e) {
            ref = Optional.empty();
        }
        if (ref.isEmpty()) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Action action = "copy".equals(req.getParameter("action")) ? Action.COPY : Action.REVEAL;
        String value;
        try {
            if (ref.get() instanceof SecretRef.Database d) {
                value = reveals.databaseSecret(user.caller(), user.getWorkspaceId(), d.databaseId(), d.field(), action, user.getName());
            } else {
                SecretRef.ProjectVariable p = (SecretRef.ProjectVariable) ref.get();
                value = reveals.projectVariable(user.caller(), p.projectId(), p.name(), action, user.getName());
            }
        } catch (NotFoundException e) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getOutputStream().write(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A browser's {@code Origin} must be this server's; {@code Sec-Fetch-Site}, when sent, {@code same-origin}. */
    static boolean sameOrigin(HttpServletRequest req) {
        return sameOrigin(req.getHeader("Sec-Fetch-Site"), req.getHeader("Origin"), req.getHeader("Host"), req.getScheme());
    }

    /**
     * Whether a request with these headers comes from a page of {@code host}: a browser's {@code Sec-Fetch-Site}
     * must say same-origin and its {@code Origin} name this host (the scheme as received, or https behind a proxy
     * that ends TLS); a request that says neither is refused.
     */
    static boolean sameOrigin(String site, String origin, String host, String scheme) {
        if (site != null && !site.equals("same-origin")) {
            return false;
        }
        if (origin == null) {
            return site != null;
        }
        try {
            URI o = new URI(origin);
            return host != null && o.getScheme() != null && o.getRawAuthority() != null && o.getRawAuthority().equalsIgnoreCase(host)
                    && (o.getScheme().equalsIgnoreCase(scheme) || o.getScheme().equalsIgnoreCase("https"));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
