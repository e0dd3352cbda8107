package dev.strata.provisioning.auth;

import dev.strata.domain.workspace.Workspace;
import dev.strata.domain.workspace.WorkspaceRepository;
import dev.strata.provisioning.config.StrataConfig;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
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
@DependsOn("MetadataUpgrade")
public class Bootstrap {

    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());

    @Inject
    WorkspaceRepository workspaces;

    @Inject
    ApiKeys apiKeys;

    @Inject
    StrataConfig config;

    @Inject
    Users users;

    @PostConstruct
    void firstStart() {
        if (workspaces.count() == 0) {
            createFirstWorkspace();
        }
        if (!users.any()) {
            createFirstAdmin(workspaces.all().get(0).id());
        }
    }

    private void createFirstAdmin(String workspaceId) {
        String name = config.adminUser();
        if (config.adminPassword().isPresent()) {
            users.create(workspaceId, name, config.adminPassword().get());
            LOG.info(() -> "Created dashboard user " + name + " with the password from STRATA_ADMIN_PASSWORD");
        } else {
            String password = dev.strata.provisioning.secrets.SecretBox.randomPassword(20);
            users.create(workspaceId, name, password);
            // printed once, on purpose: the only way an operator without STRATA_ADMIN_PASSWORD signs in
            LOG.warning("Created dashboard user " + name + " (password shown once, store it now): " + password);
        }
    }

    private void createFirstWorkspace() {
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
