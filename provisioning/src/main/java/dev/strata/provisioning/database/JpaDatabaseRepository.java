package dev.strata.provisioning.database;

import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabasePage;
import dev.strata.domain.database.DatabaseQuery;
import dev.strata.domain.database.DatabaseRepository;
import dev.strata.domain.database.Slug;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

@ApplicationScoped
public class JpaDatabaseRepository implements DatabaseRepository {

    /** Read from the database, not the shared cache, when locking. */
    private static final Map<String, Object> REFRESH = Map.of("eclipselink.refresh", "true");

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Override
    public Optional<Database> find(String workspaceId, String id) {
        return findById(id).filter(d -> d.workspaceId().equals(workspaceId));
    }

    @Override
    public Optional<Database> findById(String id) {
        return Optional.ofNullable(em.find(Database.class, id));
    }

    @Override
    public Optional<Database> lockForChange(String workspaceId, String id) {
        return Optional.ofNullable(em.find(Database.class, id, LockModeType.PESSIMISTIC_WRITE, REFRESH))
                .filter(d -> d.workspaceId().equals(workspaceId));
    }

    @Override
    public DatabasePage list(DatabaseQuery q) {
        StringBuilder where = new StringBuilder(" from Database d where d.workspaceId = :ws");
        if (q.projectId() != null) {
            where.append(" and d.projectId = :project");
        }
        if (q.engine() != null) {
            where.append(" and d.engine = :engine");
        }
        if (q.status() != null) {
            where.append(" and d.status = :status");
        }
        if (q.search() != null) {
            where.append(" and (lower(d.name) like :search escape '\\' or d.slug like :search escape '\\')");
        }
        TypedQuery<Long> count = em.createQuery("select count(d)" + where, Long.class);
        TypedQuery<Database> page = em.createQuery("select d" + where + " order by d.id desc", Database.class);
        for (TypedQuery<?> t : List.of(count, page)) {
            t.setParameter("ws", q.workspaceId());
            if (q.projectId() != null) {
                t.setParameter("project", q.projectId());
            }
            if (q.engine() != null) {
                t.setParameter("engine", q.engine());
            }
            if (q.status() != null) {
                t.setParameter("status", q.status());
            }
            if (q.search() != null) {
                String escaped = q.search().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
                t.setParameter("search", "%" + escaped + "%");
            }
        }
        // a page is only read: not registering its objects for change tracking halves the time of a large page
        page.setHint("eclipselink.read-only", "true");
        List<Database> items = page.setFirstResult(q.offset()).setMaxResults(q.limit()).getResultList();
        return new DatabasePage(items, count.getSingleResult(), q.page(), q.limit());
    }

    @Override
    public boolean slugTaken(String workspaceId, Slug slug) {
        return em.createQuery("select count(d) from Database d where d.workspaceId = :ws and d.slug = :slug", Long.class)
                .setParameter("ws", workspaceId).setParameter("slug", slug.value()).getSingleResult() > 0;
    }

    @Override
    public List<Database> ofProject(String workspaceId, String projectId) {
        return em.createQuery("select d from Database d where d.workspaceId = :ws and d.projectId = :p order by d.id", Database.class)
                .setParameter("ws", workspaceId).setParameter("p", projectId).getResultList();
    }

    @Override
    public boolean beingCloned(String id) {
        return !em.createQuery("select d.id from Database d where d.cloneSourceId = :id", String.class).setParameter("id", id)
                .setMaxResults(1).getResultList().isEmpty();
    }

    @Override
    public List<Database> branchesOf(String workspaceId, String parentId) {
        return em.createQuery("select d from Database d where d.workspaceId = :ws and d.parentId = :p order by d.id", Database.class)
                .setParameter("ws", workspaceId).setParameter("p", parentId).getResultList();
    }

    @Override
    public boolean restoreWaitsFor(String backupId) {
        return em.createQuery("select count(d) from Database d where d.restoreBackupId = :b and d.deletionRequested = false", Long.class)
                .setParameter("b", backupId).getSingleResult() > 0;
    }

    @Override
    public List<Database> lockOfProject(String workspaceId, String projectId) {
        TypedQuery<Database> q = em.createQuery("select d from Database d where d.workspaceId = :ws and d.projectId = :p order by d.id", Database.class)
                .setParameter("ws", workspaceId).setParameter("p", projectId).setLockMode(LockModeType.PESSIMISTIC_WRITE);
        REFRESH.forEach(q::setHint);
        return q.getResultList();
    }

    @Override
    public Set<Integer> usedPorts() {
        Set<Integer> used = new HashSet<>(em.createQuery("select d.port from Database d where d.port is not null", Integer.class).getResultList());
        used.addAll(em.createQuery("select d.serverPort from Database d where d.serverPort is not null", Integer.class).getResultList());
        used.addAll(em.createQuery("select d.tlsPort from Database d where d.tlsPort is not null", Integer.class).getResultList());
        used.addAll(em.createQuery("select d.serverTlsPort from Database d where d.serverTlsPort is not null", Integer.class).getResultList());
        return used;
    }

    @Override
    public List<Object[]> countByStatusAndEngine(String workspaceId) {
        return em.createQuery("select d.status, d.engine, count(d) from Database d where d.workspaceId = :ws group by d.status, d.engine", Object[].class)
                .setParameter("ws", workspaceId).getResultList();
    }

    @Override
    public List<Database> recentlyChanged(String workspaceId, int max) {
        return em.createQuery("select d from Database d where d.workspaceId = :ws order by d.updatedAt desc", Database.class)
                .setParameter("ws", workspaceId).setMaxResults(max).getResultList();
    }

    @Override
    public List<String> allIds() {
        return em.createQuery("select d.id from Database d order by d.id", String.class).getResultList();
    }

    @Override
    public List<String> idsOfEngines(java.util.Set<dev.strata.domain.database.Engine> engines) {
        if (engines.isEmpty()) {
            return List.of();
        }
        return em.createQuery("select d.id from Database d where d.engine in :engines order by d.id", String.class)
                .setParameter("engines", engines).getResultList();
    }

    @Override
    public void add(Database database) {
        em.persist(database);
    }

    @Override
    public void remove(Database database) {
        em.remove(em.contains(database) ? database : em.merge(database));
    }
}
