package dev.strata.api.project;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A project's storage quota (null: no limit) and what its buckets hold now (every version and unfinished upload). */
@JsonbNillable
@JsonbPropertyOrder({"maxBytes", "maxObjects", "usedBytes", "usedObjects"})
public record StorageQuotaDto(Long maxBytes, Long maxObjects, long usedBytes, long usedObjects) {
}
