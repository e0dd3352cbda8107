package dev.strata.web.backups;

import dev.strata.domain.backup.Backup;
import dev.strata.domain.backup.BackupPolicy;
import dev.strata.domain.database.Database;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.backup.Backups;
import dev.strata.web.Messages;
import dev.strata.web.databases.DatabaseBacking;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Backs the Backups section of {@code databases/detail.xhtml} (this database's backups, "Back up now", restores and the
 * policy form) and {@code backups/index.xhtml} (the workspace's backups, deleted databases' included, and restore into
 * a new database).
 */
@Named("backups")
@ViewScoped
public class BackupsBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Map<String, String> POLICY_FIELDS = Map.of("schedule", "policy:schedule", "retentionDays", "policy:retentionDays",
            "enabled", "policy:enabled");
    private static final Map<String, String> RESTORE_FIELDS = Map.of("name", "restoreNew:newName", "slug", "restoreNew:newSlug");

    @Inject
    transient Backups backups;

    @Inject
    transient CurrentUser user;

    /** The database page's header, refreshed after an in-place restore so it shows "updating" and follows it live. */
    @Inject
    transient DatabaseBacking database;

    private String databaseId;
    private boolean enabled;
    private String schedule;
    private Integer retentionDays;
    private String restoreBackupId;
    private String newName;
    private String newSlug;

    /** f:viewAction of the database page (after the database's own). */
    public void load() {
        if (databaseId == null) {
            return;
        }
        try {
            BackupPolicy p = backups.policy(user.caller(), user.getWorkspaceId(), databaseId);
            enabled = p.enabled();
            schedule = p.schedule();
            retentionDays = p.retentionDays();
        } catch (DomainException e) {
            // the database page says the database is gone
        }
    }

    public List<Backup> getOfDatabase() {
        try {
            return backups.listOfDatabase(user.caller(), user.getWorkspaceId(), databaseId, "1", "100").items();
        } catch (DomainException e) {
            return List.of();
        }
    }

    public List<Backup> getOfWorkspace() {
        return backups.list(user.caller(), user.getWorkspaceId(), null, null, "1", "100").items();
    }

    public void backUpNow() {
        try {
            Backup b = backups.request(user.caller(), user.getWorkspaceId(), databaseId);
            Messages.info("Backup " + b.id() + " started");
        } catch (DomainException e) {
            Messages.show(e, Map.of());
        }
    }

    public void savePolicy() {
        try {
            BackupPolicy p = backups.changePolicy(user.caller(), user.getWorkspaceId(), databaseId, enabled, schedule, retentionDays);
            Messages.info(p.enabled() ? "Backup policy saved: next backup at " + p.nextRunAt() + " (UTC)" : "Scheduled backups are off");
        } catch (DomainException e) {
            Messages.show(e, POLICY_FIELDS);
        }
    }

    /** In place, after the confirmation in the page; a safety backup is taken first. */
    public void restoreInPlace(String backupId) {
        try {
            Database db = backups.restoreInPlace(user.caller(), user.getWorkspaceId(), databaseId, backupId);
            Messages.info("Restoring " + db.name() + " from " + backupId + " (a safety backup is taken first)");
            database.refresh();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
        }
    }

    public void chooseForNew(String backupId) {
        restoreBackupId = backupId;
    }

    public String restoreToNew() {
        try {
            Database db = backups.restoreToNew(user.caller(), user.getWorkspaceId(), restoreBackupId, newName, newSlug);
            Messages.info("Database " + db.name() + " is being created from backup " + restoreBackupId);
            Messages.keepForRedirect();
            return "/databases/detail.xhtml?faces-redirect=true&id=" + db.id();
        } catch (DomainException e) {
            Messages.show(e, RESTORE_FIELDS);
            return null;
        }
    }

    public void delete(String backupId) {
        try {
            backups.delete(user.caller(), user.getWorkspaceId(), backupId);
            Messages.info("Backup " + backupId + " deleted");
        } catch (DomainException e) {
            Messages.show(e, Map.of());
        }
    }

    public String getDatabaseId() { return databaseId; }
    public void setDatabaseId(String databaseId) { this.databaseId = databaseId; }
    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getSchedule() { return schedule; }
    public void setSchedule(String schedule) { this.schedule = schedule; }
    public Integer getRetentionDays() { return retentionDays; }
    public void setRetentionDays(Integer retentionDays) { this.retentionDays = retentionDays; }
    public String getRestoreBackupId() { return restoreBackupId; }
    public String getNewName() { return newName; }
    public void setNewName(String newName) { this.newName = newName; }
    public String getNewSlug() { return newSlug; }
    public void setNewSlug(String newSlug) { this.newSlug = newSlug; }
}
