package dev.strata.api.backup;

import dev.strata.api.database.PageMetaDto;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

@JsonbPropertyOrder({"data", "meta"})
public record BackupListDto(List<BackupDto> data, PageMetaDto meta) {
}
