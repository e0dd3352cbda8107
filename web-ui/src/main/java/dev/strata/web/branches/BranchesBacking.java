package dev.strata.web.branches;

import dev.strata.domain.backup.RecoveryWindow;
import dev.strata.domain.database.Database;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.backup.Backups;
import dev.strata.provisioning.database.Databases;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Backs the "Branches and point in time" section of {@code databases/detail.xhtml} ({@code databases/_branches.xhtml}):
 * the recovery window, the Branch form (name, slug, and where from: now, one of its backups, or a moment in the
 * window), "Restore to a point in time" with its confirmation step, the branch tree and, on a branch, its parent and
 * "Reset from parent". Moments are entered in UTC ({@code datetime-local} inputs bounded by the window).
 *
 * <p>A point-in-time restore takes two steps: the form checks the moment (nothing changes; a moment outside the
 * window is refused next to its input) and redirects to {@code ?id=…&restoreAt=…}, which shows what will happen;
 * only the confirmation there restores. Every action that succeeds redirects to the page by GET (its message goes
 * through the Flash), so a reload never repeats it.
 *
 * <p>The window, the tree and the parent are read once per render ({@link #forget()}): the bean lives as
 * long as the view, and a backup completed or a restore done since must show on the next render of the same view.
 */
@Named("branches")
@ViewScoped
public class BranchesBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Map<String, String> BRANCH_FIELDS = Map.of("name", "branch:branchName", "slug", "branch:branchSlug",
            "pointInTime", "branch:branchPoint", "backupId", "branch:branchBackup");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    /** A tree larger than this is cut (it never is in practice; it keeps a page's reads bounded). */
    static final int MAX_TREE = 200;
    private static final Map<String, String> RESTORE_FIELDS = Map.of("pointInTime", "pitr:restorePoint");

    @Inject
    transient Backups backups;

    @Inject
    transient Databases databases;

    @Inject
    transient CurrentUser user;

    private String databaseId;
    private String name;
    private String slug;
    private String branchPoint;
    private String restorePoint;
    /** Where a branch comes from: {@code now}, {@code backup} ({@link #branchBackupId}) or {@code moment} ({@link #branchPoint}). */
    private String branchFrom = "now";
    private String branchBackupId;
    /** {@code ?restoreAt=}: the moment (RFC 3339) a confirmed restore goes to, once it passed the checks. */
    private String restoreAt;
    private String confirmAt;
    private transient BranchNode tree;
    private transient RecoveryWindow window;
    private transient Database parent;
    private transient String parentLookedUp;

    /** f:event preRenderView: what follows is read afresh for this render (the last render's answers served the postback). */
    public void forget() {
        window = null;
        parent = null;
        parentLookedUp = null;
        tree = null;
    }

    /** f:viewAction: {@code ?restoreAt=} is checked again (an address may be old or typed) and shown for confirmation. */
    public void load() {
        confirmAt = null;
        if (databaseId == null || restoreAt == null || restoreAt.isBlank()) {
            restoreAt = null;
            return;
        }
        try {
            Instant t = backups.checkRestoreInPlaceAt(user.caller(), user.getWorkspaceId(), databaseId, restoreAt);
            restoreAt = t.toString();
            confirmAt = SHOWN.format(t);
            restorePoint = LOCAL.format(t);
        } catch (DomainException e) {
            Messages.show(e, isPointInTime() ? RESTORE_FIELDS : Map.of()); // next to the moment when its form is shown
            restorePoint = restoreAt.strip().replaceFirst("Z$", ""); // as a datetime-local input shows it
            restoreAt = null;
        }
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
        return getMin().replace('T', ' ') + " – " + getMax().replace('T', ' ') + " (UTC)";
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
        if (!isPointInTime()) {
            return "";
        }
        // never before the start, which is rounded up to the second (right after the first base backup they meet)
        Instant latest = getWindow().latest().truncatedTo(ChronoUnit.SECONDS);
        Instant earliest = Backups.shownUp(getWindow().earliest());
        return LOCAL.format(latest.isBefore(earliest) ? earliest : latest);
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
            Database db;
            if ("backup".equals(branchFrom)) {
                db = backups.branchFromBackup(user.caller(), user.getWorkspaceId(), databaseId, name, slug, branchBackupId);
            } else if ("moment".equals(branchFrom)) {
                if (branchPoint == null || branchPoint.isBlank()) {
                    Messages.show(new dev.strata.domain.shared.InvalidInputException("pointInTime",
                            "Choose a moment (UTC) inside the recovery window: " + getWindowText()), BRANCH_FIELDS);
                    return null;
                }
                db = backups.branch(user.caller(), user.getWorkspaceId(), databaseId, name, slug, utc(branchPoint));
            } else {
                db = backups.branch(user.caller(), user.getWorkspaceId(), databaseId, name, slug, null);
            }
            Messages.info("Branch " + db.name() + " is being made"
                    + (db.branchPoint() == null ? "" : " (the data as at " + LOCAL.format(db.branchPoint()).replace('T', ' ') + " UTC)"));
            Messages.keepForRedirect();
            return "/databases/detail.xhtml?faces-redirect=true&id=" + db.id();
        } catch (DomainException e) {
            Messages.show(e, BRANCH_FIELDS);
            return null;
        }
    }

    /**
     * The first step of a point-in-time restore: checks the moment without changing anything and, when it can be
     * restored, goes to the confirmation ({@code ?restoreAt=}); otherwise says why next to the input.
     */
    public String reviewRestore() {
        try {
            String t = utc(restorePoint);
            Instant at = backups.checkRestoreInPlaceAt(user.caller(), user.getWorkspaceId(), databaseId, t == null ? "" : t);
            return "/databases/detail.xhtml?faces-redirect=true&id=" + databaseId + "&restoreAt=" + at;
        } catch (DomainException e) {
            Messages.show(e, RESTORE_FIELDS);
            return null;
        }
    }

    /** The confirmed point-in-time restore of {@code ?restoreAt=}; a safety backup is taken first. */
    public String restoreToPoint() {
        try {
            Database db = backups.restoreInPlaceAt(user.caller(), user.getWorkspaceId(), databaseId, restoreAt == null ? "" : restoreAt);
            Messages.info("Restoring " + db.name() + " to " + restoreAt + " (a safety backup is taken first)");
            return databasePage();
        } catch (DomainException e) {
            Messages.show(e, RESTORE_FIELDS);
            return null;
        }
    }

    /** A branch back to its parent's present, after the confirmation in the page. */
    public String reset() {
        try {
            Database db = backups.reset(user.caller(), user.getWorkspaceId(), databaseId);
            Messages.info("Resetting " + db.name() + " to its parent's present (a safety backup is taken first)");
            return databasePage();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    private String databasePage() {
        Messages.keepForRedirect();
        return "/databases/detail.xhtml?faces-redirect=true&id=" + databaseId;
    }

    /**
     * The tree this database belongs to, from its oldest ancestor still there down to every branch (deleted ones
     * left out), this database marked; null when the database is gone.
     */
    public BranchNode getTree() {
        if (tree == null && databaseId != null) {
            try {
                Database top = databases.get(user.caller(), user.getWorkspaceId(), databaseId);
                for (int hops = 0; top.parentId() != null && hops < MAX_TREE; hops++) {
                    Database up;
                    try {
                        up = databases.get(user.caller(), user.getWorkspaceId(), top.parentId());
                    } catch (DomainException gone) {
                        break;
                    }
                    if (up.deletionRequested()) {
                        break;
                    }
                    top = up;
                }
                tree = node(top, new int[] {0});
            } catch (DomainException e) {
                return null;
            }
        }
        return tree;
    }

    /** The tree as nested lists (see {@link BranchNode#html}). */
    public String getTreeHtml() {
        BranchNode t = getTree();
        return t == null ? "" : t.html(jakarta.faces.context.FacesContext.getCurrentInstance().getExternalContext().getRequestContextPath());
    }

    private BranchNode node(Database db, int[] count) {
        boolean top = count[0] == 0;
        count[0]++;
        List<BranchNode> children = new java.util.ArrayList<>();
        if (count[0] < MAX_TREE) {
            for (Database c : databases.branches(user.caller(), user.getWorkspaceId(), db.id())) {
                if (!c.deletionRequested() && count[0] < MAX_TREE) {
                    children.add(node(c, count));
                }
            }
        }
        // the top of the tree with a parent: its parent is gone (the climb stopped there)
        String deletedParent = top ? db.parentId() : null;
        return new BranchNode(db.id(), db.name(), db.slug().value(), db.status().wireName(), db.branchPoint(), db.id().equals(databaseId),
                deletedParent, List.copyOf(children));
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
    public String getBranchFrom() { return branchFrom; }
    public void setBranchFrom(String branchFrom) { this.branchFrom = branchFrom; }
    public String getBranchBackupId() { return branchBackupId; }
    public void setBranchBackupId(String branchBackupId) { this.branchBackupId = branchBackupId; }
    public String getRestoreAt() { return restoreAt; }
    public void setRestoreAt(String restoreAt) { this.restoreAt = restoreAt; }
    public String getConfirmAt() { return confirmAt; }
}
