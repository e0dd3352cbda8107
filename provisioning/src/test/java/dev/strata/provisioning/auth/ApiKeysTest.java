package dev.strata.provisioning.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.auth.ApiKey;
import dev.strata.domain.auth.ApiKeyRepository;
import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Removing a key from the list: only a revoked one, only the caller's workspace's. */
class ApiKeysTest {

    private final List<ApiKey> stored = new ArrayList<>();
    private final ApiKeys keys = new ApiKeys();

    {
        keys.keys = new ApiKeyRepository() {
            @Override
            public Optional<ApiKey> findBySecretHash(String secretHash) {
                return Optional.empty(); // not needed here
            }

            @Override
            public void add(ApiKey key) {
                stored.add(key);
            }

            @Override
            public List<ApiKey> ofWorkspace(String workspaceId) {
                return stored.stream().filter(k -> k.workspaceId().equals(workspaceId)).toList();
            }

            @Override
            public Optional<ApiKey> find(String workspaceId, String keyId) {
                return stored.stream().filter(k -> k.id().equals(keyId) && k.workspaceId().equals(workspaceId)).findFirst();
            }

            @Override
            public void remove(ApiKey key) {
                stored.remove(key);
            }
        };
    }

    @Test
    void anActiveKeyIsNotRemovedARevokedOneIs() {
        Caller caller = new Caller("key_caller", "ws_one");
        IssuedKey issued = keys.create(caller, "ci");

        assertThatThrownBy(() -> keys.remove(caller, issued.keyId())).isInstanceOf(ConflictException.class)
                .hasMessageContaining("revoke it first");
        assertThat(keys.list(caller)).hasSize(1);

        keys.revoke(caller, issued.keyId());
        keys.remove(caller, issued.keyId());
        assertThat(keys.list(caller)).isEmpty();
    }

    @Test
    void anotherWorkspacesKeyIsNotFound() {
        IssuedKey theirs = keys.create(new Caller("key_other", "ws_two"), "theirs");
        keys.revoke(new Caller("key_other", "ws_two"), theirs.keyId());

        assertThatThrownBy(() -> keys.remove(new Caller("key_caller", "ws_one"), theirs.keyId())).isInstanceOf(NotFoundException.class);
        assertThat(stored).hasSize(1);
    }
}
