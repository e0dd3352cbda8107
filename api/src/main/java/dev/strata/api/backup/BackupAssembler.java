package dev.strata.api.backup;

import dev.strata.api.Timestamps;
import dev.strata.api.database.PageMetaDto;
import dev.strata.domain.backup.Backup;
import dev.strata.domain.backup.BackupPolicy;
import dev.strata.provisioning.backup.Backups;

/** Backup entities to DTOs. */
public final class BackupAssembler {

    private BackupAssembler() {
    }

    public static BackupDto toDto(Backup b) {
        return new BackupDto(b.id(), b.databaseId(), b.databaseName(), b.engine().wireName(), b.engineVersion(), b.trigger().wireName(),
                b.status().wireName(), b.sizeBytes(), Timestamps.format(b.createdAt()), Timestamps.format(b.startedAt()),
                Timestamps.format(b.completedAt()), Timestamps.format(b.expiresAt()), b.error());
    }

    public static BackupListDto toDto(Backups.Page page) {
        return new BackupListDto(page.items().stream().map(BackupAssembler::toDto).toList(),
                new PageMetaDto(page.total(), page.page(), page.limit(), page.totalPages()));
    }

    public static BackupPolicyDto toDto(BackupPolicy p) {
        return new BackupPolicyDto(p.databaseId(), p.enabled(), p.schedule(), p.retentionDays(), Timestamps.format(p.nextRunAt()));
    }

    public static RecoveryWindowDto toDto(String databaseId, dev.strata.domain.backup.RecoveryWindow w) {
        // the start rounded up, the end down: both ends as shown lie inside the window
        return new RecoveryWindowDto(databaseId, w.pointInTime(), Timestamps.format(w.earliest() == null ? null : Backups.shownUp(w.earliest())),
                Timestamps.format(w.latest()),
                w.snapshots().stream().map(Timestamps::format).toList(), w.message());
    }
}
