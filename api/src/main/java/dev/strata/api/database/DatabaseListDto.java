package dev.strata.api.database;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

@JsonbPropertyOrder({"data", "meta"})
public record DatabaseListDto(List<DatabaseDto> data, PageMetaDto meta) {
}
