package dev.strata.provisioning.auth;

import dev.strata.domain.auth.User;
import dev.strata.domain.auth.UserRepository;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.time.Instant;
import java.util.Optional;

/** Dashboard users: passwords hashed with PBKDF2 (Jakarta Security's {@code Pbkdf2PasswordHash}). */
@Stateless
public class Users {

    @Inject
    UserRepository users;

    @Inject
    Pbkdf2PasswordHash hasher;

    /** The user's workspace as a caller, when the password matches. */
    public Optional<Caller> authenticate(String username, String password) {
        if (username == null || password == null || username.length() > 100 || password.length() > 1000) {
            return Optional.empty();
        }
        return users.findByUsername(username)
                .filter(u -> hasher.verify(password.toCharArray(), u.passwordHash()))
                .map(u -> new Caller("user:" + u.id(), u.workspaceId()));
    }

    public Optional<Caller> callerOf(String username) {
        return users.findByUsername(username).map(u -> new Caller("user:" + u.id(), u.workspaceId()));
    }

    public boolean any() {
        return users.count() > 0;
    }

    public void create(String workspaceId, String username, String password) {
        users.add(User.create(workspaceId, username, hasher.generate(password.toCharArray()), Instant.now()));
    }
}
