package dev.strata.api.workspace;

public record WorkspaceDto(String id, String name, String createdAt) {
}
