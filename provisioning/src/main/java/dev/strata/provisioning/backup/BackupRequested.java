package dev.strata.provisioning.backup;

/** CDI event: a backup was asked for; the runner starts it once the request's transaction committed. */
public record BackupRequested(String backupId) {
}
