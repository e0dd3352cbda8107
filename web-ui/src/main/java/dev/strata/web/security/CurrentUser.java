package dev.strata.web.security;

import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.auth.Users;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;

/** The signed-in user as the services know callers: their workspace. */
@Named
@RequestScoped
public class CurrentUser {

    @Inject
    SecurityContext security;

    @Inject
    Users users;

    private Caller caller;

    public Caller caller() {
        if (caller == null) {
            String name = security.getCallerPrincipal() == null ? null : security.getCallerPrincipal().getName();
            caller = name == null ? null : users.callerOf(name).orElse(null);
            if (caller == null) {
                throw new IllegalStateException("no signed-in user");
            }
        }
        return caller;
    }

    public String getName() {
        return security.getCallerPrincipal() == null ? "" : security.getCallerPrincipal().getName();
    }

    public String getWorkspaceId() {
        return caller().workspaceId();
    }
}
