package dev.strata.web.backups;

import dev.strata.domain.backup.Backup;
import dev.strata.domain.backup.BackupPolicy;
import dev.strata.domain.backup.RecoveryWindow;
import dev.strata.domain.database.Database;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.backup.Backups;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.database.ListRequest;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Backs the Backups section of {@code databases/detail.xhtml} ({@code databases/_backups.xhtml}: the timeline, this
 * database's backups, "Back up now", an in-place restore of a chosen backup after a confirmation step, restore into a
 * new database, the policy form) and {@code backups/index.xhtml} (the workspace's backups, deleted databases' included,
 * filtered and paged by GET parameters, and restore into a new database).
 *
 * <p>Every action that changes something redirects to a GET address when it succeeds (post-redirect-get; its message
 * goes through the Flash), so a reload never repeats it. Choosing what to restore is a GET too: {@code ?restore=bkp_…}
 * shows the confirmation of an in-place restore, {@code ?restoreFrom=bkp_…} the form for a new database.
 */
@Named("backups")
@ViewScoped
public class BackupsBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int PAGE_SIZE = 20;
    private static final Map<String, String> POLICY_FIELDS = Map.of("schedule", "policy:schedule", "retentionDays", "policy:retentionDays",
            "enabled", "policy:enabled");
    private static final Map<String, String> RESTORE_FIELDS = Map.of("name", "restoreNew:newName", "slug", "restoreNew:newSlug");
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @Inject
    transient Backups backups;

    @Inject
    transient Databases databases;

    @Inject
    transient CurrentUser user;

    private String databaseId;
    private boolean enabled;
    private String schedule;
    private Integer retentionDays;
    /** {@code ?restoreFrom=}: the backup the "new database" form restores. */
    private String restoreBackupId;
    /** {@code ?restore=}: the backup an in-place restore would use, shown for confirmation once it passed the checks. */
    private String confirmBackupId;
    private String confirmText;
    private String newName;
    private String newSlug;
    /** The workspace list's GET filters. */
    private String filterDatabase;
    private String filterStatus;
    private String page;

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
            return; // the database page says the database is gone
        }
        checkConfirmation();
        checkRestoreFrom();
    }

    /** f:viewAction of the workspace's backups page. */
    public void loadWorkspace() {
        checkRestoreFrom();
        getWorkspacePage(); // read now: a refused filter's message is shown at the top, which renders before the list
    }

    /** {@code ?restore=bkp_…}: what an in-place restore of it would do, or why it cannot be done (nothing changes either way). */
    private void checkConfirmation() {
        confirmText = null;
        if (confirmBackupId == null || confirmBackupId.isBlank()) {
            confirmBackupId = null;
            return;
        }
        try {
            Backup b = backups.checkRestoreInPlace(user.caller(), user.getWorkspaceId(), databaseId, confirmBackupId);
            confirmText = "backup " + b.id() + " (" + b.trigger().wireName() + ", " + MOMENT.format(b.completedAt()) + ")";
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            confirmBackupId = null;
        }
    }

    private void checkRestoreFrom() {
        if (restoreBackupId == null || restoreBackupId.isBlank()) {
            restoreBackupId = null;
            return;
        }
        try {
            Backup b = backups.get(user.caller(), user.getWorkspaceId(), restoreBackupId.strip());
            b.requireRestorable();
            restoreBackupId = b.id();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            restoreBackupId = null;
        }
    }

    /** This database's backups, newest first (read once per request: the list, the timeline and the forms share it). */
    public List<Backup> getOfDatabase() {
        return perRequest("ofDatabase", () -> {
            try {
                return backups.listOfDatabase(user.caller(), user.getWorkspaceId(), databaseId, "1", "100").items();
            } catch (DomainException e) {
                return List.of();
            }
        });
    }

    /** The completed backups of this database (the choices of the branch form). */
    public List<Backup> getCompletedOfDatabase() {
        return getOfDatabase().stream().filter(b -> b.status() == dev.strata.domain.backup.BackupStatus.COMPLETED).toList();
    }

    /** The timeline over the policy's retention, with the recovery window as of now. */
    public BackupTimeline getTimeline() {
        return perRequest("timeline", () -> {
            RecoveryWindow window;
            try {
                window = backups.recoveryWindow(user.caller(), user.getWorkspaceId(), databaseId);
            } catch (DomainException e) {
                window = null;
            }
            int days = retentionDays == null ? BackupPolicy.DEFAULT_RETENTION_DAYS : retentionDays;
            return BackupTimeline.of(getOfDatabase().stream().map(BackupTimeline.Entry::of).toList(), window, Duration.ofDays(days),
                    Instant.now());
        });
    }

    // --- the workspace's backups page ---

    public Backups.Page getWorkspacePage() {
        return perRequest("workspacePage", () -> {
            try {
                return backups.list(user.caller(), user.getWorkspaceId(), filterDatabase, filterStatus, page, Integer.toString(PAGE_SIZE));
            } catch (DomainException e) {
                Messages.show(e, Map.of());
                return new Backups.Page(List.of(), 0, 1, PAGE_SIZE);
            }
        });
    }

    /** The workspace's databases that still exist, by id (the filter's choices; the list links only to them). */
    public Map<String, String> getDatabaseNames() {
        return perRequest("databaseNames", () -> {
            Map<String, String> names = new LinkedHashMap<>();
            try {
                databases.list(user.caller(), user.getWorkspaceId(), new ListRequest(null, "1", "100", null, null, null)).items().stream()
                        .filter(d -> !d.deletionRequested()).forEach(d -> names.put(d.id(), d.name()));
            } catch (DomainException e) {
                // no choices
            }
            return names;
        });
    }

    /** Whether a backup's database still exists (its name then links to its page). */
    public boolean databaseExists(String id) {
        Map<String, Boolean> known = perRequest("databaseExists", HashMap::new);
        return known.computeIfAbsent(id, k -> {
            if (getDatabaseNames().containsKey(k)) {
                return true;
            }
            try {
                return !databases.get(user.caller(), user.getWorkspaceId(), k).deletionRequested();
            } catch (DomainException e) {
                return false;
            }
        });
    }

    /** A choice of a GET filter: {@code selected} when it is the one in the address. */
    public record Option(String value, String label, boolean selected) {
    }

    /** The database filter's choices: the workspace's databases, and the one in the address when it was deleted. */
    public List<Option> getDatabaseOptions() {
        List<Option> options = new java.util.ArrayList<>();
        getDatabaseNames().forEach((id, name) -> options.add(new Option(id, name, id.equals(filterDatabase))));
        if (filterDatabase != null && !filterDatabase.isBlank() && !getDatabaseNames().containsKey(filterDatabase)) {
            options.add(new Option(filterDatabase, filterDatabase + " (deleted)", true));
        }
        return options;
    }

    public List<Option> getStatusOptions() {
        return getStatuses().stream().map(st -> new Option(st, st, st.equals(filterStatus))).toList();
    }

    public List<String> getStatuses() {
        return List.of("pending", "running", "completed", "failed");
    }

    /** This view of the list with the "new database" form for backup {@code bkpId}. */
    public String restoreLink(String bkpId) {
        return pageLink(getPageNumber()) + "&restoreFrom=" + URLEncoder.encode(bkpId, StandardCharsets.UTF_8) + "#restoreNew";
    }

    public int getPageNumber() {
        return getWorkspacePage().page();
    }

    /** The address of page {@code n} of the list with the current filters. */
    public String pageLink(int n) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("database", filterDatabase);
        q.put("status", filterStatus);
        q.put("page", Integer.toString(n));
        StringBuilder s = new StringBuilder(FacesContext.getCurrentInstance().getExternalContext().getRequestContextPath()).append("/backups/");
        char sep = '?';
        for (Map.Entry<String, String> e : q.entrySet()) {
            if (e.getValue() != null && !e.getValue().isBlank()) {
                s.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        return s.toString();
    }

    // --- actions (each redirects when it succeeds) ---

    public String backUpNow() {
        try {
            Backup b = backups.request(user.caller(), user.getWorkspaceId(), databaseId);
            Messages.info("Backup " + b.id() + " started");
            return databasePage();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    public String savePolicy() {
        try {
            BackupPolicy p = backups.changePolicy(user.caller(), user.getWorkspaceId(), databaseId, enabled, schedule, retentionDays);
            Messages.info(p.enabled() ? "Backup policy saved: next backup at " + p.nextRunAt() + " (UTC)" : "Scheduled backups are off");
            return databasePage();
        } catch (DomainException e) {
            Messages.show(e, POLICY_FIELDS);
            return null;
        }
    }

    /** The confirmed in-place restore of {@code ?restore=}; a safety backup is taken first. */
    public String restoreInPlace() {
        try {
            Database db = backups.restoreInPlace(user.caller(), user.getWorkspaceId(), databaseId, confirmBackupId);
            Messages.info("Restoring " + db.name() + " from " + confirmBackupId + " (a safety backup is taken first)");
            return databasePage();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
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

    public String delete(String backupId) {
        try {
            backups.delete(user.caller(), user.getWorkspaceId(), backupId);
            Messages.info("Backup " + backupId + " deleted");
            return databasePage();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    /** Back to this database's page by GET (the message goes with the Flash). */
    private String databasePage() {
        Messages.keepForRedirect();
        return "/databases/detail.xhtml?faces-redirect=true&id=" + databaseId;
    }

    @SuppressWarnings("unchecked")
    private static <T> T perRequest(String key, Supplier<T> read) {
        Map<String, Object> request = FacesContext.getCurrentInstance().getExternalContext().getRequestMap();
        String name = BackupsBacking.class.getName() + "." + key;
        Object value = request.get(name);
        if (value == null) {
            value = read.get(); // may read other per-request values itself: no computeIfAbsent
            request.put(name, value);
        }
        return (T) value;
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
    public void setRestoreBackupId(String restoreBackupId) { this.restoreBackupId = restoreBackupId; }
    public String getConfirmBackupId() { return confirmBackupId; }
    public void setConfirmBackupId(String confirmBackupId) { this.confirmBackupId = confirmBackupId; }
    public String getConfirmText() { return confirmText; }
    public String getNewName() { return newName; }
    public void setNewName(String newName) { this.newName = newName; }
    public String getNewSlug() { return newSlug; }
    public void setNewSlug(String newSlug) { this.newSlug = newSlug; }
    public String getFilterDatabase() { return filterDatabase; }
    public void setFilterDatabase(String filterDatabase) { this.filterDatabase = filterDatabase; }
    public String getFilterStatus() { return filterStatus; }
    public void setFilterStatus(String filterStatus) { this.filterStatus = filterStatus; }
    public String getPage() { return page; }
    public void setPage(String page) { this.page = page; }
}
