/**
 * Backups of databases: the {@link dev.strata.domain.backup.Backup} record (which outlives its database until its
 * retention ends), the per-database {@link dev.strata.domain.backup.BackupPolicy}, and the driver capability
 * {@link dev.strata.domain.backup.BackupCapability} through which engines take and restore them.
 */
package dev.strata.domain.backup;
