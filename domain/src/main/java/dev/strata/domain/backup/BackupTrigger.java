package dev.strata.domain.backup;

/** Why a backup was taken: a user asked, the policy's schedule came due, or an in-place restore is about to replace data. */
public enum BackupTrigger {
    MANUAL("manual"), SCHEDULED("scheduled"), PRE_RESTORE("pre-restore");

    private final String wireName;

    BackupTrigger(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
