package dev.strata.api.webhook;

import dev.strata.api.database.PageMetaDto;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

@JsonbPropertyOrder({"data", "meta"})
public record WebhookListDto(List<WebhookDto> data, PageMetaDto meta) {
}
