package dev.strata.provisioning.project;

import dev.strata.domain.project.Project;
import dev.strata.domain.shared.Ids;
import dev.strata.domain.project.ProjectRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class JpaProjectRepository implements ProjectRepository {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Override
    public Optional<Project> find(String workspaceId, String id) {
        if (!Ids.looksLike(Project.ID_PREFIX, id)) {
            return Optional.empty(); // not an id at all (and text the database cannot even compare, e.g. with NUL)
        }
        return Optional.ofNullable(em.find(Project.class, id)).filter(p -> p.workspaceId().equals(workspaceId) && !p.deleting());
    }

    @Override
    public List<Project> list(String workspaceId) {
        return em.createQuery("select p from Project p where p.workspaceId = :ws and p.deletingSince is null order by p.id", Project.class)
                .setParameter("ws", workspaceId).getResultList();
    }

    @Override
    public List<Project> all() {
        return em.createQuery("select p from Project p where p.deletingSince is null order by p.id", Project.class).getResultList();
    }

    @Override
    public List<String> deleting() {
        return em.createQuery("select p.id from Project p where p.deletingSince is not null order by p.id", String.class).getResultList();
    }

    @Override
    public Optional<String> workspaceOf(String id) {
        if (!Ids.looksLike(Project.ID_PREFIX, id)) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(Project.class, id)).filter(p -> !p.deleting()).map(Project::workspaceId);
    }

    @Override
    public Optional<Project> lock(String id) {
        return Optional.ofNullable(em.find(Project.class, id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE));
    }

    @Override
    public void add(Project project) {
        em.persist(project);
    }

    @Override
    public void remove(Project project) {
        em.remove(em.contains(project) ? project : em.merge(project));
    }
}
