package dev.strata.web.projects;

import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabasePage;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.project.Project;
import dev.strata.domain.shared.DomainException;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.storage.Bucket;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.database.ListRequest;
import dev.strata.provisioning.database.NewDatabase;
import dev.strata.provisioning.project.EnvVar;
import dev.strata.provisioning.project.Projects;
import dev.strata.provisioning.storage.Buckets;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Backs {@code projects/detail.xhtml}: its databases, buckets and environment; sleep, wake, delete. */
@Named("project")
@ViewScoped
public class ProjectBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Set<String> SECRET_VARS = Set.of("STORAGE_SECRET");

    @Inject
    transient Projects projects;

    @Inject
    transient dev.strata.provisioning.tls.CaCertificates caCertificates;

    @Inject
    transient Databases databases;

    @Inject
    transient Buckets buckets;

    @Inject
    transient CurrentUser user;

    private String id;
    private String engine;
    private String bucketName;

    public Project getProject() {
        try {
            return projects.get(user.caller(), id);
        } catch (NotFoundException e) {
            return null;
        }
    }

    public List<Database> getDatabases() {
        DatabasePage page = databases.list(user.caller(), user.getWorkspaceId(), new ListRequest(id, "1", "100", null, null, null));
        return page.items();
    }

    public List<Bucket> getBuckets() {
        return buckets.list(user.caller(), id);
    }

    public List<EnvVar> getEnvironment() {
        return projects.environment(user.caller(), id);
    }

    /** Masked until revealed: the storage secret and every database URL (each carries its password). */
    /** Whether the dashboard offers the CA certificate that verifies the databases ({@code /ca.pem}). */
    public boolean isCaAvailable() {
        return caCertificates.available();
    }

    public boolean secret(String name) {
        return SECRET_VARS.contains(name) || name.endsWith("_URL");
    }

    /** The id of the database {@code DATABASE_URL} points at (chosen or by the default rule), or null. */
    public String getPrimaryDatabaseId() {
        try {
            return projects.primaryDatabase(user.caller(), id).map(Database::id).orElse(null);
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** Actions that succeed redirect to this page (post-redirect-get): a reload repeats nothing. */
    private String self() {
        Messages.keepForRedirect();
        return "/projects/detail.xhtml?faces-redirect=true&id=" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Chooses {@code databaseId} for {@code DATABASE_URL}. */
    public String choosePrimary(String databaseId) {
        return primary(databaseId);
    }

    /**
     * Returns {@code DATABASE_URL} to the default rule (a method of its own: EL would turn a null argument into "").
     */
    public String useDefaultPrimary() {
        return primary(null);
    }

    private String primary(String databaseId) {
        try {
            projects.choosePrimaryDatabase(user.caller(), id, databaseId);
            Messages.info(databaseId == null ? "DATABASE_URL follows the default rule again" : "DATABASE_URL now points at this database");
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    public List<EngineOffer> getEngines() {
        return databases.offers();
    }

    public String getEndpoint() {
        return buckets.endpoint();
    }

    public String addDatabase() {
        try {
            Database db = databases.createForProject(user.caller(), new NewDatabase(id, null, null, engine, null, null, null, null, null));
            Messages.info("Database " + db.name() + " is being created");
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of("engine", "addDatabase:engine"));
            return null;
        }
    }

    public String addBucket() {
        try {
            Bucket b = buckets.create(user.caller(), id, bucketName);
            Messages.info("Bucket " + b.name().value() + " created");
            bucketName = null;
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of("name", "addBucket:bucketName"));
            return null;
        }
    }

    public String deleteBucket(String bucketId) {
        try {
            buckets.delete(user.caller(), bucketId);
            Messages.info("Bucket deleted");
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    /** The idle-sleep form's value: the project's autoSleepMinutes until the user types another. */
    public String getAutoSleepMinutes() {
        if (autoSleepMinutes == null) {
            Project p = getProject();
            return p == null ? "0" : String.valueOf(p.autoSleepMinutes());
        }
        return autoSleepMinutes;
    }

    public void setAutoSleepMinutes(String autoSleepMinutes) {
        this.autoSleepMinutes = autoSleepMinutes;
    }

    public String saveAutoSleep() {
        String typed = autoSleepMinutes == null ? "" : autoSleepMinutes.trim();
        if (!typed.matches("\\d{1,5}")) {
            Messages.show(new dev.strata.domain.shared.InvalidInputException("autoSleepMinutes",
                    "Enter a whole number of minutes from 0 (never) to " + Project.MAX_AUTO_SLEEP_MINUTES), Map.of("autoSleepMinutes", "idle:autoSleepMinutes"));
            return null;
        }
        try {
            Project p = projects.update(user.caller(), id, false, null, Integer.parseInt(typed));
            Messages.info(p.autoSleepMinutes() == 0 ? "Databases of this project no longer sleep by themselves"
                    : "Databases of this project sleep after " + p.autoSleepMinutes() + " minute(s) without clients");
            autoSleepMinutes = null;
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of("autoSleepMinutes", "idle:autoSleepMinutes"));
            return null;
        }
    }

    public String sleep() {
        try {
            projects.sleep(user.caller(), id);
            Messages.info("The project is going to sleep: its databases stop, data kept; buckets stay live");
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    public String wake() {
        try {
            projects.wake(user.caller(), id);
            Messages.info("The project is waking up");
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    public String delete() {
        try {
            projects.delete(user.caller(), id);
            Messages.info("Project deleted: its databases and buckets are being removed");
            Messages.keepForRedirect();
            return "/projects/index.xhtml?faces-redirect=true";
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    public boolean isTransitional() {
        return getDatabases().stream().anyMatch(d -> switch (d.status()) {
            case PROVISIONING, UPDATING, DELETING -> true;
            default -> false;
        });
    }

    private String autoSleepMinutes;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getEngine() { return engine; }
    public void setEngine(String engine) { this.engine = engine; }
    public String getBucketName() { return bucketName; }
    public void setBucketName(String bucketName) { this.bucketName = bucketName; }
}
