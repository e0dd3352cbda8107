package dev.strata.api.database;

import java.util.List;

public record DatabaseListDto(List<DatabaseDto> data, PageMetaDto meta) {
}
