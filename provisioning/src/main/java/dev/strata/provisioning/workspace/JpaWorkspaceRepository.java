package dev.strata.provisioning.workspace;

import dev.strata.domain.workspace.Workspace;
import dev.strata.domain.workspace.WorkspaceRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class JpaWorkspaceRepository implements WorkspaceRepository {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Override
    public Optional<Workspace> find(String id) {
        return Optional.ofNullable(em.find(Workspace.class, id));
    }

    @Override
    public Optional<Workspace> lockForChange(String id) {
        return Optional.ofNullable(em.find(Workspace.class, id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE));
    }

    @Override
    public List<Workspace> all() {
        return em.createQuery("select w from Workspace w order by w.id", Workspace.class).getResultList();
    }

    @Override
    public long count() {
        return em.createQuery("select count(w) from Workspace w", Long.class).getSingleResult();
    }

    @Override
    public void add(Workspace workspace) {
        em.persist(workspace);
    }
}
