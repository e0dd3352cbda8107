package dev.strata.api.workspace;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

@JsonbPropertyOrder({"id", "name", "createdAt"})
public record WorkspaceDto(String id, String name, String createdAt) {
}
