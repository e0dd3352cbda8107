package dev.strata.api.workspace;

import dev.strata.api.auth.CurrentCaller;
import dev.strata.provisioning.tls.CaCertificates;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /workspaces/{wsId}/ca.pem}: the certificate of Strata's certificate authority, what clients give as
 * their CA file ({@code sslrootcert}, {@code --ssl-ca}, {@code --cacert}) to verify the workspace's databases.
 */
@RequestScoped
@Path("workspaces/{wsId}/ca.pem")
public class CaCertificateResource {

    static final String PEM = "application/x-pem-file";

    @Inject
    CaCertificates certificates;

    @Inject
    CurrentCaller caller;

    @GET
    @Produces(PEM)
    public Response get(@PathParam("wsId") String wsId) {
        return Response.ok(certificates.pem(caller.get(), wsId), PEM)
                .header("Content-Disposition", "attachment; filename=\"strata-ca.pem\"").build();
    }
}
