package dev.strata.provisioning.tls;

import dev.strata.domain.shared.ConflictException;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.workspace.Workspaces;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The CA certificate that a workspace's clients trust to verify its databases (one authority per installation, so
 * the same for every workspace). Not there when Strata's databases speak no TLS of Strata's making: with
 * {@code STRATA_TLS_MODE=off}, and in Kubernetes mode, where each operator runs its own authority.
 */
@ApplicationScoped
public class CaCertificates {

    @Inject
    Workspaces workspaces;

    @Inject
    CertificateAuthority authority;

    @Inject
    StrataConfig config;

    /** Whether this installation hands out a CA certificate (and the {@code DATABASE_CA_CERT} variable). */
    public boolean available() {
        return config.driver().equals("local") && config.tlsMode().enabled();
    }

    /** The CA certificate in PEM for a workspace the caller sees (404 otherwise; 409 when there is none). */
    public String pem(Caller caller, String wsId) {
        workspaces.get(caller, wsId);
        if (!config.driver().equals("local")) {
            throw new ConflictException("in Kubernetes mode each operator (CloudNativePG, mariadb-operator, ...) issues its databases'"
                    + " certificates with its own CA; Strata has no CA certificate to hand out");
        }
        if (!config.tlsMode().enabled()) {
            throw new ConflictException("TLS is off (STRATA_TLS_MODE=off): the databases have no certificates to verify");
        }
        return authority.certificatePem();
    }

    /** The CA certificate in PEM, when {@link #available()} (for a caller already checked, e.g. a project's variables). */
    public String pem() {
        return authority.certificatePem();
    }
}
