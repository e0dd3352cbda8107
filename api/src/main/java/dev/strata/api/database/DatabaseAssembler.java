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
                d.status().wireName(), d.statusMessage() != null ? d.statusMessage() : d.branchNote(), d.cpu().value(), d.memory().value(), d.storage().gb(),
                d.storageUsedBytes(), d.storageClass(), d.parentId(), Timestamps.format(d.branchPoint()),
                Timestamps.format(d.createdAt()), Timestamps.format(d.updatedAt()));
    }

    /** A database's branches: one page holding them all (a database has few). */
    public static DatabaseListDto toDto(java.util.List<Database> branches) {
        return new DatabaseListDto(branches.stream().map(DatabaseAssembler::toDto).toList(),
                new PageMetaDto(branches.size(), 1, Math.max(1, branches.size()), 1));
    }

    public static DatabaseListDto toDto(DatabasePage page) {
        return new DatabaseListDto(page.items().stream().map(DatabaseAssembler::toDto).toList(),
                new PageMetaDto(page.total(), page.page(), page.limit(), page.totalPages()));
    }

    public static ConnectionDto toDto(ConnectionInfo c) {
        return new ConnectionDto(c.uri(), c.username(), c.password(), c.host(), c.port(), c.databaseName(), c.jdbcUrl(), c.tlsUri());
    }
}
