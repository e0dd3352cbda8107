package dev.strata.api.storage;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A bucket and how to reach it: S3 endpoint (path-style) and region; {@code usage}: what it holds now (bytes of
 * every object, version and unfinished upload; objects counting versions).
 */
@JsonbPropertyOrder({"id", "projectId", "name", "endpoint", "region", "createdAt", "usage"})
public record BucketDto(String id, String projectId, String name, String endpoint, String region, String createdAt, Usage usage) {

    @JsonbPropertyOrder({"bytes", "objects"})
    public record Usage(long bytes, long objects) {
    }
}
