/**
 * Backups: the repository ({@link dev.strata.provisioning.backup.BackupStorage}), the application service behind
 * the API and the dashboard ({@link dev.strata.provisioning.backup.Backups}), and the runner that takes, prunes and
 * reconciles backups ({@link dev.strata.provisioning.backup.BackupRunner}).
 */
package dev.strata.provisioning.backup;
