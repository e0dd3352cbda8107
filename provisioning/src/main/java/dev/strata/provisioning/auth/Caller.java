package dev.strata.provisioning.auth;

/** Who is calling: an API key and the one workspace it may see. */
public record Caller(String keyId, String workspaceId) {
}
