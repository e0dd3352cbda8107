package dev.strata.provisioning.auth;

import dev.strata.domain.workspace.Workspace;
import dev.strata.domain.workspace.WorkspaceRepository;
import dev.strata.provisioning.config.StrataConfig;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * On first start (no workspace yet) creates the first workspace and its first API key: exactly
 * {@code STRATA_BOOTSTRAP_API_KEY} when set, otherwise a generated key printed once to the server log.
 */
@Singleton
@Startup
public class Bootstrap {

    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());

    @Inject
    WorkspaceRepository workspaces;

    @Inject
    ApiKeys apiKeys;

    @Inject
    StrataConfig config;

    @PostConstruct
    void firstStart() {
        if (workspaces.count() > 0) {
            return;
        }
        Workspace ws = Workspace.named("Default workspace", Instant.now());
        workspaces.add(ws);
        if (config.bootstrapApiKey().isPresent()) {
            IssuedKey key = apiKeys.register(ws.id(), "bootstrap", config.bootstrapApiKey().get());
            LOG.info(() -> "Created workspace " + ws.id() + " with the API key from STRATA_BOOTSTRAP_API_KEY (" + key.keyId() + ")");
        } else {
            IssuedKey key = apiKeys.issue(ws.id(), "bootstrap");
            // printed once, on purpose: it is the only way an operator without STRATA_BOOTSTRAP_API_KEY gets in
            LOG.warning("Created workspace " + ws.id() + " and its first API key (shown once, store it now): " + key.secret());
        }
    }
}
