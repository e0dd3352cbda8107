package dev.strata.web.databases;

import dev.strata.domain.database.Database;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.project.Project;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.database.NewDatabase;
import dev.strata.provisioning.project.Projects;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Backs {@code databases/new.xhtml}: engines and versions are the ones this host offers. */
@Named("newDatabase")
@ViewScoped
public class NewDatabaseBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FIELDS = Map.of("name", "create:name", "slug", "create:slug",
            "engine", "create:engine", "version", "create:version", "cpu", "create:cpu", "memory", "create:memory",
            "storageGb", "create:storageGb", "projectId", "create:project");

    @Inject
    transient Databases databases;

    @Inject
    transient Projects projects;

    @Inject
    transient CurrentUser user;

    private String name;
    private String slug;
    private String engine;
    private String version;
    private String cpu = "250m";
    private String memory = "512Mi";
    private Integer storageGb = 10;
    private String projectId;

    public List<EngineOffer> getEngines() {
        return databases.offers();
    }

    public List<String> getVersions() {
        return databases.offers().stream().filter(o -> o.engine().wireName().equals(engine)).findFirst()
                .map(EngineOffer::versions).orElse(List.of());
    }

    public List<Project> getProjects() {
        return projects.list(user.caller());
    }

    public void engineChanged() {
        List<String> versions = getVersions();
        version = versions.isEmpty() ? null : versions.get(0);
    }

    public String create() {
        try {
            Database db = databases.create(user.caller(), user.getWorkspaceId(), new NewDatabase(
                    blankToNull(projectId), name, slug, engine, blankToNull(version), cpu, memory, storageGb, null));
            Messages.info("Database " + db.name() + " is being created");
            Messages.keepForRedirect();
            return "/databases/detail.xhtml?faces-redirect=true&id=" + db.id();
        } catch (DomainException e) {
            Messages.show(e, FIELDS);
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getSlug() { return slug; }
    public void setSlug(String slug) { this.slug = slug; }
    public String getEngine() { return engine; }
    public void setEngine(String engine) { this.engine = engine; }
    public String getVersion() { return version; }
    public void setVersion(String version) { this.version = version; }
    public String getCpu() { return cpu; }
    public void setCpu(String cpu) { this.cpu = cpu; }
    public String getMemory() { return memory; }
    public void setMemory(String memory) { this.memory = memory; }
    public Integer getStorageGb() { return storageGb; }
    public void setStorageGb(Integer storageGb) { this.storageGb = storageGb; }
    public String getProjectId() { return projectId; }
    public void setProjectId(String projectId) { this.projectId = projectId; }
}
