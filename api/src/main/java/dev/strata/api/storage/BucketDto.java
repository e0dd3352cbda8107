package dev.strata.api.storage;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A bucket and how to reach it: S3 endpoint (path-style) and region. */
@JsonbPropertyOrder({"id", "projectId", "name", "endpoint", "region", "createdAt"})
public record BucketDto(String id, String projectId, String name, String endpoint, String region, String createdAt) {
}
