package dev.strata.api.event;

import dev.strata.api.database.PageMetaDto;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

@JsonbPropertyOrder({"data", "meta"})
public record EventListDto(List<EventDto> data, PageMetaDto meta) {
}
