package dev.strata.web.projects;

import dev.strata.domain.project.Project;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.project.Projects;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;

/** Backs {@code projects/index.xhtml}: list and create. */
@Named("projectList")
@RequestScoped
public class ProjectsBacking {

    @Inject
    Projects projects;

    @Inject
    CurrentUser user;

    private String name;

    public List<Project> getProjects() {
        return projects.list(user.caller());
    }

    public String create() {
        try {
            Project p = projects.create(user.caller(), name);
            Messages.info("Project " + p.name() + " created");
            Messages.keepForRedirect();
            return "/projects/detail.xhtml?faces-redirect=true&id=" + p.id();
        } catch (DomainException e) {
            Messages.show(e, Map.of("name", "create:name"));
            return null;
        }
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
}
