package dev.strata.api.database;

public record PageMetaDto(long total, int page, int limit, int totalPages) {
}
