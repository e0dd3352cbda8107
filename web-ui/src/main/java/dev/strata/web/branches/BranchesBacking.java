package dev.strata.web.branches;

import dev.strata.domain.backup.RecoveryWindow;
import dev.strata.domain.database.Database;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.backup.Backups;
import dev.strata.provisioning.database.Databases;
import dev.strata.web.Messages;
import dev.strata.web.databases.DatabaseBacking;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Backs the "Branches and point in time" section of {@code databases/detail.xhtml}: the recovery window, the Branch
 * form (name, slug, an optional moment), "Restore to a point in time", the list of branches and, on a branch, its
 * parent and "Reset from parent". Moments are entered in UTC ({@code datetime-local} inputs bounded by the window).
 * The window, the list and the parent are read once per render ({@link #forget()}): the bean lives as long as the
 * view, and a backup completed or a restore done since must show on the next render of the same view.
 */
@Named("branches")
@ViewScoped
public class BranchesBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Map<String, String> BRANCH_FIELDS = Map.of("name", "branch:branchName", "slug", "branch:branchSlug",
            "pointInTime", "branch:branchPoint");
    private static final Map<String, String> RESTORE_FIELDS = Map.of("pointInTime", "pitr:restorePoint");

    @Inject
    transient Backups backups;

    @Inject
    transient Databases databases;

    @Inject
    transient CurrentUser user;

    /** The page's header, refreshed after a restore or reset so it shows "updating" and follows it live. */
    @Inject
    transient DatabaseBacking database;

    private String databaseId;
    private String name;
    private String slug;
    private String branchPoint;
    private String restorePoint;
    private transient RecoveryWindow window;
    private transient List<Database> list;
    private transient Database parent;
    private transient String parentLookedUp;

    /** f:event preRenderView: what follows is read afresh for this render (the last render's answers served the postback). */
    public void forget() {
        window = null;
        list = null;
        parent = null;
        parentLookedUp = null;
    }

    /** The window as of this render (null when the database is gone). */
    public RecoveryWindow getWindow() {
        if (window == null && databaseId != null) {
            try {
                window = backups.recoveryWindow(user.caller(), user.getWorkspaceId(), databaseId);
            } catch (DomainException e) {
                return null;
            }
        }
        return window;
    }

    /** "2026-12-05 10:15:30 – 2026-12-05 11:58:02 (UTC)", or what the window says when a moment cannot be chosen. */
    public String getWindowText() {
        RecoveryWindow w = getWindow();
        if (w == null) {
            return "";
        }
        if (!w.pointInTime() || w.earliest() == null) {
            return w.message();
        }
        return LOCAL.format(Backups.shownUp(w.earliest())).replace('T', ' ') + " – " + LOCAL.format(w.latest()).replace('T', ' ') + " (UTC)";
    }

    /** Whether a moment can be chosen (a continuous archive and a base backup). */
    public boolean isPointInTime() {
        RecoveryWindow w = getWindow();
        return w != null && w.pointInTime() && w.earliest() != null;
    }

    public String getMin() {
        return isPointInTime() ? LOCAL.format(Backups.shownUp(getWindow().earliest())) : "";
    }

    public String getMax() {
        return isPointInTime() ? LOCAL.format(getWindow().latest().truncatedTo(ChronoUnit.SECONDS)) : "";
    }

    public List<Database> getList() {
        if (list == null) {
            try {
                list = databases.branches(user.caller(), user.getWorkspaceId(), databaseId);
            } catch (DomainException e) {
                return List.of();
            }
        }
        return list;
    }

    /** The parent of a branch when it still exists, else null (the page then says it was deleted). */
    public Database parentOf(Database branch) {
        if (branch == null || branch.parentId() == null) {
            return null;
        }
        if (!Objects.equals(parentLookedUp, branch.parentId())) {
            try {
                Database p = databases.get(user.caller(), user.getWorkspaceId(), branch.parentId());
                parent = p.deletionRequested() ? null : p;
            } catch (DomainException e) {
                parent = null;
            }
            parentLookedUp = branch.parentId();
        }
        return parent;
    }

    public String branch() {
        try {
            Database db = backups.branch(user.caller(), user.getWorkspaceId(), databaseId, name, slug, utc(branchPoint));
            Messages.info("Branch " + db.name() + " is being made"
                    + (db.branchPoint() == null ? "" : " (the data as at " + LOCAL.format(db.branchPoint()).replace('T', ' ') + " UTC)"));
            Messages.keepForRedirect();
            return "/databases/detail.xhtml?faces-redirect=true&id=" + db.id();
        } catch (DomainException e) {
            Messages.show(e, BRANCH_FIELDS);
            return null;
        }
    }

    /** In place, after the confirmation in the page; a safety backup is taken first. */
    public void restoreToPoint() {
        try {
            String t = utc(restorePoint);
            Database db = backups.restoreInPlaceAt(user.caller(), user.getWorkspaceId(), databaseId, t == null ? "" : t);
            Messages.info("Restoring " + db.name() + " to " + t + " (a safety backup is taken first)");
            database.refresh();
        } catch (DomainException e) {
            Messages.show(e, RESTORE_FIELDS);
        }
    }

    /** A branch back to its parent's present, after the confirmation in the page. */
    public void reset() {
        try {
            Database db = backups.reset(user.caller(), user.getWorkspaceId(), databaseId);
            Messages.info("Resetting " + db.name() + " to its parent's present (a safety backup is taken first)");
            database.refresh();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
        }
    }

    /** A datetime-local value (no zone; seconds optional) as RFC 3339 in UTC; null when empty; other text as it is (refused by the service). */
    static String utc(String local) {
        if (local == null || local.isBlank()) {
            return null;
        }
        String t = local.strip();
        if (t.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}")) {
            return t + ":00Z";
        }
        if (t.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?")) {
            return t + "Z";
        }
        return t;
    }

    public String getDatabaseId() { return databaseId; }
    public void setDatabaseId(String databaseId) { this.databaseId = databaseId; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getSlug() { return slug; }
    public void setSlug(String slug) { this.slug = slug; }
    public String getBranchPoint() { return branchPoint; }
    public void setBranchPoint(String branchPoint) { this.branchPoint = branchPoint; }
    public String getRestorePoint() { return restorePoint; }
    public void setRestorePoint(String restorePoint) { this.restorePoint = restorePoint; }
}
