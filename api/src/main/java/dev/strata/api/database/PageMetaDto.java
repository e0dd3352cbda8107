package dev.strata.api.database;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

@JsonbPropertyOrder({"total", "page", "limit", "totalPages"})
public record PageMetaDto(long total, int page, int limit, int totalPages) {
}
