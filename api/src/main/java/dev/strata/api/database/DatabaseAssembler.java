package dev.strata.api.database;

import dev.strata.api.Timestamps;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabasePage;

/** Entities and domain values to DTOs; the only place that knows both. */
public final class DatabaseAssembler {

    private DatabaseAssembler() {
    }

    public static DatabaseDto toDto(Database d) {
        return new DatabaseDto(d.id(), d.projectId(), d.name(), d.slug().value(), d.engine().wireName(), d.engineVersion(),
                d.status().wireName(), d.statusMessage(), d.cpu().value(), d.memory().value(), d.storage().gb(),
                d.storageUsedBytes(), d.storageClass(), Timestamps.format(d.createdAt()), Timestamps.format(d.updatedAt()));
    }

    public static DatabaseListDto toDto(DatabasePage page) {
        return new DatabaseListDto(page.items().stream().map(DatabaseAssembler::toDto).toList(),
                new PageMetaDto(page.total(), page.page(), page.limit(), page.totalPages()));
    }

    public static ConnectionDto toDto(ConnectionInfo c) {
        return new ConnectionDto(c.uri(), c.username(), c.password(), c.host(), c.port(), c.databaseName(), c.jdbcUrl());
    }
}
