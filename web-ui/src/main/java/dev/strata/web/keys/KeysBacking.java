package dev.strata.web.keys;

import dev.strata.domain.auth.ApiKey;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.auth.ApiKeys;
import dev.strata.provisioning.auth.IssuedKey;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;

/**
 * Backs {@code keys/index.xhtml}: create, list, revoke, remove a revoked key. Every action redirects to the list
 * (post-redirect-get): a reload never repeats it. A new key's secret crosses that redirect in the Flash (kept
 * server-side for the one request that follows, never in the address), so it is shown once and a reload no longer
 * shows it.
 */
@Named("keys")
@RequestScoped
public class KeysBacking {

    static final String FLASH_SECRET = "strataNewApiKey";
    private static final String LIST = "/keys/index.xhtml?faces-redirect=true";

    @Inject
    ApiKeys apiKeys;

    @Inject
    CurrentUser user;

    private String name;

    public List<ApiKey> getKeys() {
        return apiKeys.list(user.caller());
    }

    public String create() {
        try {
            IssuedKey key = apiKeys.create(user.caller(), name);
            FacesContext.getCurrentInstance().getExternalContext().getFlash().put(FLASH_SECRET, key.secret());
            Messages.info("Key " + name.strip() + " created");
            Messages.keepForRedirect();
            return LIST;
        } catch (DomainException e) {
            Messages.show(e, Map.of("name", "create:name"));
            return null;
        }
    }

    public String revoke(String keyId) {
        try {
            apiKeys.revoke(user.caller(), keyId);
            Messages.info("Key revoked: it stops working at once");
            Messages.keepForRedirect();
            return LIST;
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    public String remove(String keyId) {
        try {
            apiKeys.remove(user.caller(), keyId);
            Messages.info("Revoked key removed from the list");
            Messages.keepForRedirect();
            return LIST;
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    /** The key created by the request just before this one (its redirect), or null: shown once. */
    public String getJustCreated() {
        Object secret = FacesContext.getCurrentInstance().getExternalContext().getFlash().get(FLASH_SECRET);
        return secret == null ? null : secret.toString();
    }

    public boolean isNameInvalid() {
        return !FacesContext.getCurrentInstance().getMessageList("create:name").isEmpty();
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
}
