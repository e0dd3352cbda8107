package dev.strata.web.security;

import dev.strata.provisioning.auth.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/** Checks a username and password against Strata's users (PBKDF2 hashes). */
@ApplicationScoped
public class StrataIdentityStore implements IdentityStore {

    @Inject
    Users users;

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        return users.authenticate(credential.getCaller(), credential.getPasswordAsString()).isPresent()
                ? new CredentialValidationResult(credential.getCaller(), Set.of("user"))
                : CredentialValidationResult.INVALID_RESULT;
    }
}
