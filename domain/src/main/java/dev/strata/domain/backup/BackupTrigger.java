package dev.strata.domain.backup;

/**
 * Why a backup was taken: a user asked, the policy's schedule came due, an in-place restore is about to replace
 * data, or a branch (or a branch's reset) needs the database's present.
 */
public enum BackupTrigger {
    MANUAL("manual"), SCHEDULED("scheduled"), PRE_RESTORE("pre-restore"), BRANCH("branch");

    private final String wireName;

    BackupTrigger(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
