package dev.strata.web.buckets;

import dev.strata.domain.project.Project;
import dev.strata.domain.shared.DomainException;
import dev.strata.domain.storage.Bucket;
import dev.strata.provisioning.project.Projects;
import dev.strata.provisioning.storage.Buckets;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;

/** Backs {@code buckets/index.xhtml}: every bucket of the workspace, create and delete, how to connect. */
@Named("bucketList")
@RequestScoped
public class BucketsBacking {

    @Inject
    Buckets buckets;

    @Inject
    Projects projects;

    @Inject
    CurrentUser user;

    private String projectId;
    private String name;

    public List<Bucket> getBuckets() {
        return buckets.list(user.caller(), null);
    }

    public List<Project> getProjects() {
        return projects.list(user.caller());
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

    public void create() {
        try {
            Bucket b = buckets.create(user.caller(), projectId, name);
            Messages.info("Bucket " + b.name().value() + " created");
            name = null;
        } catch (DomainException e) {
            Messages.show(e, Map.of("name", "create:name", "projectId", "create:project"));
        }
    }

    public void delete(String bucketId) {
        try {
            buckets.delete(user.caller(), bucketId);
            Messages.info("Bucket emptied and deleted");
        } catch (DomainException e) {
            Messages.show(e, Map.of());
        }
    }

    public String getProjectId() { return projectId; }
    public void setProjectId(String projectId) { this.projectId = projectId; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
}
