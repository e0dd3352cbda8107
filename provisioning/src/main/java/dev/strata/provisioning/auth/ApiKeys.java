package dev.strata.provisioning.auth;

import dev.strata.domain.auth.ApiKey;
import dev.strata.domain.auth.ApiKeyRepository;
import dev.strata.provisioning.secrets.SecretBox;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/** Issues and checks API keys. Keys are {@code strata_sk_} plus 40 random characters; only their hash is stored. */
@Stateless
public class ApiKeys {

    public static final String KEY_PREFIX = "strata_sk_";

    @Inject
    ApiKeyRepository keys;

    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isBlank() || presented.length() > 512) {
            return Optional.empty();
        }
        return keys.findBySecretHash(hash(presented)).filter(ApiKey::isActive).map(k -> new Caller(k.id(), k.workspaceId()));
    }

    public IssuedKey issue(String workspaceId, String name) {
        return register(workspaceId, name, KEY_PREFIX + SecretBox.randomPassword(40));
    }

    /** Registers a key whose secret the operator chose ({@code STRATA_BOOTSTRAP_API_KEY}). */
    public IssuedKey register(String workspaceId, String name, String secret) {
        String display = secret.substring(0, Math.min(secret.length(), 14));
        ApiKey key = ApiKey.issue(workspaceId, name, display, hash(secret), Instant.now());
        keys.add(key);
        return new IssuedKey(key.id(), workspaceId, secret);
    }

    public java.util.List<ApiKey> list(Caller caller) {
        return keys.ofWorkspace(caller.workspaceId());
    }

    /** Creates a named key for the caller's workspace; the secret is in the result only. */
    public IssuedKey create(Caller caller, String name) {
        if (name == null || name.isBlank() || name.strip().length() > 200) {
            throw new dev.strata.domain.shared.InvalidInputException("name", "name is required (at most 200 characters)");
        }
        return issue(caller.workspaceId(), name.strip());
    }

    public void revoke(Caller caller, String keyId) {
        ApiKey key = keys.find(caller.workspaceId(), keyId)
                .orElseThrow(() -> new dev.strata.domain.shared.NotFoundException("API key", keyId));
        key.revoke(Instant.now());
    }

    /**
     * Removes a revoked key from the workspace's list (its row goes; it was refused already and stays refused: no
     * key has its hash any more). An active key is refused: revoke it first, so removing never cuts off a client.
     */
    public void remove(Caller caller, String keyId) {
        ApiKey key = keys.find(caller.workspaceId(), keyId)
                .orElseThrow(() -> new dev.strata.domain.shared.NotFoundException("API key", keyId));
        if (key.isActive()) {
            throw new dev.strata.domain.shared.ConflictException("the key " + key.name() + " is active: revoke it first");
        }
        keys.remove(key);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
