package dev.strata.web.buckets;

import dev.strata.domain.project.Project;
import dev.strata.domain.shared.DomainException;
import dev.strata.domain.storage.Bucket;
import dev.strata.provisioning.project.Projects;
import dev.strata.provisioning.storage.Buckets;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;

/**
 * Backs {@code buckets/index.xhtml}: every bucket of the workspace, create and delete (each redirecting to the list:
 * a reload repeats nothing), how to connect.
 */
@Named("bucketList")
@RequestScoped
public class BucketsBacking {

    private static final String LIST = "/buckets/index.xhtml?faces-redirect=true";

    @Inject
    Buckets buckets;

    @Inject
    Projects projects;

    @Inject
    CurrentUser user;

    private String projectId;
    private String name;
    private List<Project> projectList;
    private List<Bucket> bucketList;

    public List<Bucket> getBuckets() {
        if (bucketList == null) {
            bucketList = buckets.list(user.caller(), null);
        }
        return bucketList;
    }

    public List<Project> getProjects() {
        if (projectList == null) {
            projectList = projects.list(user.caller());
        }
        return projectList;
    }

    public String projectName(String id) {
        return getProjects().stream().filter(p -> p.id().equals(id)).map(Project::name).findFirst().orElse(id);
    }

    public String getEndpoint() {
        return buckets.endpoint();
    }

    public String getRegion() {
        return buckets.region();
    }

    public String create() {
        try {
            Bucket b = buckets.create(user.caller(), projectId, name);
            Messages.info("Bucket " + b.name().value() + " created in " + projectName(b.projectId()));
            Messages.keepForRedirect();
            return LIST;
        } catch (DomainException e) {
            Messages.show(e, Map.of("name", "create:name", "projectId", "create:project"));
            return null;
        }
    }

    public String delete(String bucketId) {
        try {
            buckets.delete(user.caller(), bucketId);
            Messages.info("Bucket emptied and deleted");
            Messages.keepForRedirect();
            return LIST;
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    /** Whether the input {@code clientId} has a message: its aria-invalid. */
    public boolean invalid(String clientId) {
        return !FacesContext.getCurrentInstance().getMessageList(clientId).isEmpty();
    }

    public String getProjectId() { return projectId; }
    public void setProjectId(String projectId) { this.projectId = projectId; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
}
