package dev.strata.web.keys;

import dev.strata.domain.auth.ApiKey;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.auth.ApiKeys;
import dev.strata.provisioning.auth.IssuedKey;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Backs {@code keys/index.xhtml}: create (the secret is shown once), list, revoke. */
@Named("keys")
@ViewScoped
public class KeysBacking implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    transient ApiKeys apiKeys;

    @Inject
    transient CurrentUser user;

    private String name;
    private String justCreated;

    public List<ApiKey> getKeys() {
        return apiKeys.list(user.caller());
    }

    public void create() {
        try {
            IssuedKey key = apiKeys.create(user.caller(), name);
            justCreated = key.secret();
            name = null;
        } catch (DomainException e) {
            Messages.show(e, Map.of("name", "create:name"));
        }
    }

    public void revoke(String keyId) {
        try {
            apiKeys.revoke(user.caller(), keyId);
            Messages.info("Key revoked: it stops working at once");
        } catch (DomainException e) {
            Messages.show(e, Map.of());
        }
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getJustCreated() { return justCreated; }
}
