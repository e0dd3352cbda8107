package dev.strata.provisioning.auth;

/** A freshly issued key: the plain secret exists only here, to be shown once. */
public record IssuedKey(String keyId, String workspaceId, String secret) {

    @Override
    public String toString() {
        return "IssuedKey[keyId=" + keyId + ", workspaceId=" + workspaceId + "]";
    }
}
