package dev.strata.api.storage;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

@JsonbPropertyOrder({"accessKeyId", "secretAccessKey", "createdAt"})
public record StorageKeyDto(String accessKeyId, String secretAccessKey, String createdAt) {
}
