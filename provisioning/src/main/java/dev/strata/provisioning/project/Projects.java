package dev.strata.provisioning.project;

import dev.strata.domain.event.EventData;
import dev.strata.domain.event.EventType;
import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabaseRepository;
import dev.strata.domain.database.DatabaseStatus;
import dev.strata.domain.project.Project;
import dev.strata.domain.project.ProjectRepository;
import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.UnavailableException;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.domain.shared.DisplayName;
import dev.strata.domain.shared.Ids;
import dev.strata.domain.shared.Shown;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.database.DatabaseChanged;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.storage.Buckets;
import dev.strata.provisioning.storage.IssuedStorageKey;
import dev.strata.provisioning.workspace.Workspaces;
import dev.strata.domain.storage.Bucket;
import dev.strata.domain.storage.StorageRepository;
import java.util.Optional;
import dev.strata.domain.database.ConnectionInfo;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Projects of the caller's workspace and their lifecycle (seed 000's "Sleep & teardown"): sleeping a project
 * sleeps its databases (buckets stay live), deleting it deletes its databases (servers and data).
 */
@Stateless
public class Projects {

    public static final String MANAGED_BY = "strata";
    public static final String PRIMARY_DATABASE_ID = "primaryDatabaseId";
    public static final String AUTO_SLEEP_MINUTES = "autoSleepMinutes";

    /** The storage variables Strata sets; never given to a database ({@link DatabaseEnvNames}). */
    public static final Set<String> STORAGE_NAMES = Set.of("STORAGE_ENDPOINT", "STORAGE_BUCKET", "STORAGE_KEY", "STORAGE_SECRET", "STORAGE_REGION");
    /** The TLS variables Strata sets (where TLS is on); reserved always, so that turning TLS on renames no database's variable. */
    public static final Set<String> TLS_NAMES = Set.of("REDIS_TLS_URL", "DATABASE_CA_CERT");
    private static final Set<String> OTHER_NAMES = java.util.stream.Stream.concat(STORAGE_NAMES.stream(), TLS_NAMES.stream())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Projects.class.getName());

    @Inject
    ProjectRepository projects;

    @Inject
    DatabaseRepository databases;

    @Inject
    EngineDrivers drivers;

    @Inject
    dev.strata.provisioning.tls.CaCertificates caCertificates;

    @Inject
    SecretBox secrets;

    @Inject
    Event<DatabaseChanged> changed;

    @Inject
    Buckets buckets;

    @Inject
    dev.strata.provisioning.event.EventLog events;

    @Inject
    StorageRepository storage;

    @Inject
    Workspaces workspaces;

    @Resource
    SessionContext session;

    public Project create(Caller caller, String name) {
        return create(caller, name, null);
    }

    /** A new project; {@code autoSleepMinutes} null leaves idle sleep off. */
    public Project create(Caller caller, String name, Integer autoSleepMinutes) {
        Instant now = Instant.now();
        Project p = Project.create(caller.workspaceId(), new DisplayName(name).value(), now);
        if (autoSleepMinutes != null) {
            p.sleepWhenIdleFor(autoSleepMinutes, now);
        }
        projects.add(p);
        events.record(EventType.PROJECT_CREATED, p.workspaceId(), p.id(), null, null, "Project " + p.name() + " was created",
                EventData.builder().put("name", p.name()).build());
        return p;
    }

    /**
     * Changes the project in one transaction: the primary database when {@code choosingPrimary} (null: the default
     * rule), and how long its databases may go without clients before they sleep by themselves when
     * {@code autoSleepMinutes} is not null (0: never).
     */
    public Project update(Caller caller, String projectId, boolean choosingPrimary, String primaryDatabaseId, Integer autoSleepMinutes) {
        Project p = choosingPrimary ? choosePrimaryDatabase(caller, projectId, primaryDatabaseId) : get(caller, projectId);
        if (autoSleepMinutes != null) {
            p.sleepWhenIdleFor(autoSleepMinutes, Instant.now());
        }
        return p;
    }

    public List<Project> list(Caller caller) {
        return projects.list(caller.workspaceId());
    }

    public Project get(Caller caller, String projectId) {
        if (!Ids.looksLike(Project.ID_PREFIX, projectId)) {
            throw new NotFoundException("project", Shown.text(projectId));
        }
        return projects.find(caller.workspaceId(), projectId).orElseThrow(() -> new NotFoundException("project", projectId));
    }

    /** Every database of the project goes to sleep; all or nothing (a database still being created refuses). */
    public Project sleep(Caller caller, String projectId) {
        Project p = get(caller, projectId);
        Instant now = Instant.now();
        for (Database d : live(p)) {
            if (d.status() == DatabaseStatus.PROVISIONING) {
                throw new ConflictException("database " + d.id() + " is still being created; the project can sleep once it is ready");
            }
            boolean wasAwake = !d.sleepRequested();
            d.requestSleep(now);
            if (wasAwake) {
                events.databaseSlept(d, "project");
            }
            changed.fire(new DatabaseChanged(d.id()));
        }
        if (!p.sleeping()) {
            events.record(EventType.PROJECT_SLEPT, p.workspaceId(), p.id(), null, null, "Project " + p.name() + " was put to sleep", EventData.NONE);
        }
        p.sleep(now);
        return p;
    }

    public Project wake(Caller caller, String projectId) {
        Project p = get(caller, projectId);
        Instant now = Instant.now();
        for (Database d : live(p)) {
            boolean wasAsleep = d.sleepRequested();
            d.requestWake(now);
            if (wasAsleep) {
                events.databaseWoke(d, "project");
            }
            changed.fire(new DatabaseChanged(d.id()));
        }
        if (p.sleeping()) {
            events.record(EventType.PROJECT_WOKE, p.workspaceId(), p.id(), null, null, "Project " + p.name() + " was woken", EventData.NONE);
        }
        p.wake(now);
        return p;
    }

    /**
     * Deletes the project. First recorded, in a transaction of its own that takes the workspace's lock (so a create
     * running at the same time either comes before, and is deleted with the project, or after, and finds no project):
     * from its commit the project is gone for users, its storage keys are revoked and its buckets and databases are
     * being deleted (status deleting). Then, before this returns, its buckets are emptied and dropped; the
     * reconciler removes the databases' servers and finally forgets the project ({@link #finishDeletion}), and
     * finishes whatever a crash or an unavailable object store interrupted.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void delete(Caller caller, String projectId) {
        Projects self = session.getBusinessObject(Projects.class);
        self.requestDeletion(caller, projectId);
        try {
            self.finishDeletion(projectId);
        } catch (RuntimeException e) {
            LOG.warning("project " + projectId + " is deleted for its users; dropping its storage failed for now and is retried: " + e.getMessage());
        }
    }

    /** Records the deletion of the caller's project (see {@link #delete}). */
    public void requestDeletion(Caller caller, String projectId) {
        workspaces.lockForChange(caller, caller.workspaceId());
        Project p = get(caller, projectId);
        Instant now = Instant.now();
        p.requestDeletion(now);
        events.record(EventType.PROJECT_DELETED, p.workspaceId(), p.id(), null, null,
                "Project " + p.name() + " was deleted (its buckets are dropped and its databases deleted)", EventData.builder().put("name", p.name()).build());
        buckets.requestProjectDeletion(p, now);
        for (Database d : databases.lockOfProject(p.workspaceId(), p.id())) {
            d.requestDeletion(now);
            changed.fire(new DatabaseChanged(d.id()));
        }
    }

    /**
     * The rest of a deleted project's teardown: its storage is dropped, and once the reconciler has removed its
     * databases the project is forgotten. Idempotent; nothing for a project that is not being deleted. The
     * project's row is locked first: the request and the reconciler never work on it at once.
     */
    public void finishDeletion(String projectId) {
        Optional<Project> p = projects.lock(projectId).filter(Project::deleting);
        if (p.isEmpty()) {
            return;
        }
        buckets.dropProjectStorage(projectId);
        if (databases.ofProject(p.get().workspaceId(), projectId).isEmpty()) {
            projects.remove(p.get());
        }
    }

    /** Ids of the projects whose deletion is not finished (the reconciler's work list). */
    public List<String> deletionsPending() {
        return projects.deleting();
    }

    /** The managed variables, in a stable order. */
    public List<EnvVar> environment(Caller caller, String projectId) {
        return environmentOf(get(caller, projectId));
    }

    /** Every project's managed variables, by project (for {@code ProjectEnvironmentSecrets} in Kubernetes mode). */
    public List<ProjectEnvironment> allEnvironments() {
        List<ProjectEnvironment> all = new ArrayList<>();
        for (Project p : projects.all()) {
            all.add(new ProjectEnvironment(p.workspaceId(), p.id(), environmentOf(p)));
        }
        return all;
    }

    /** A project and its managed variables. */
    public record ProjectEnvironment(String workspaceId, String projectId, List<EnvVar> variables) {
    }

    /**
     * The project's variables: first the databases' ({@link DatabaseEnvNames} says which name points where; a
     * database whose URI is not known yet has no variable for now), then the storage ones.
     */
    private List<EnvVar> environmentOf(Project p) {
        List<EnvVar> env = new ArrayList<>();
        List<Database> live = live(p);
        Map<String, Database> byId = new HashMap<>();
        live.forEach(d -> byId.put(d.id(), d));
        Map<String, Optional<ConnectionInfo>> connections = new HashMap<>();
        LinkedHashMap<String, String> names = DatabaseEnvNames.assign(entries(live), p.primaryDatabaseId(), OTHER_NAMES);
        names.forEach((name, databaseId) ->
                connections.computeIfAbsent(databaseId, id -> connection(byId.get(id)))
                        .ifPresent(c -> env.add(new EnvVar(name, c.uri(), MANAGED_BY))));
        // Heroku's convention: REDIS_TLS_URL, rediss:// to the same Redis as REDIS_URL (on its TLS port, where it has one)
        Optional.ofNullable(names.get(DatabaseEnvNames.REDIS_URL)).flatMap(id -> connections.computeIfAbsent(id, i -> connection(byId.get(i))))
                .map(c -> c.tlsUri() != null ? c.tlsUri() : c.uri().startsWith("rediss://") ? c.uri() : null)
                .ifPresent(url -> env.add(new EnvVar("REDIS_TLS_URL", url, MANAGED_BY)));
        if (!live.isEmpty() && caCertificates.available()) {
            env.add(new EnvVar("DATABASE_CA_CERT", caCertificates.pem(), MANAGED_BY));
        }
        Optional<IssuedStorageKey> key = buckets.currentKey(p.id());
        List<Bucket> projectBuckets = storage.buckets(p.workspaceId(), p.id());
        if (key.isPresent() || !projectBuckets.isEmpty()) {
            env.add(new EnvVar("STORAGE_ENDPOINT", buckets.endpoint(), MANAGED_BY));
            projectBuckets.stream().findFirst().ifPresent(b -> env.add(new EnvVar("STORAGE_BUCKET", b.name().value(), MANAGED_BY)));
            key.ifPresent(k -> {
                env.add(new EnvVar("STORAGE_KEY", k.accessKeyId(), MANAGED_BY));
                env.add(new EnvVar("STORAGE_SECRET", k.secret(), MANAGED_BY));
            });
            env.add(new EnvVar("STORAGE_REGION", buckets.region(), MANAGED_BY));
        }
        return env;
    }

    /**
     * The database's connection info; empty while it is not known yet (an operator publishes it once the database is
     * provisioned) or cannot be read now.
     */
    private Optional<ConnectionInfo> connection(Database primary) {
        try {
            return Optional.of(drivers.forEngine(primary.engine())
                    .connection(primary.publicSpec(secrets.open(primary.passwordSealed()))));
        } catch (ConflictException | UnavailableException e) {
            return Optional.empty();
        }
    }

    /**
     * Chooses the database {@code DATABASE_URL} points at, or with null returns to the default (the oldest
     * PostgreSQL database, else the oldest database). The database must be one of this project's and not being
     * deleted; it is read locked, so a deletion running at the same time comes either before (refused here) or
     * after (and clears the choice again).
     *
     * @throws UnprocessableException if {@code databaseId} names no live database of this project
     */
    public Project choosePrimaryDatabase(Caller caller, String projectId, String databaseId) {
        Project p = get(caller, projectId);
        if (databaseId != null) {
            Database d = (Ids.looksLike(Database.ID_PREFIX, databaseId)
                    ? databases.lockForChange(p.workspaceId(), databaseId) : Optional.<Database>empty())
                    .orElseThrow(() -> new UnprocessableException(PRIMARY_DATABASE_ID,
                            "primaryDatabaseId: there is no database " + Shown.quoted(databaseId) + " in this workspace"));
            if (!p.id().equals(d.projectId())) {
                throw new UnprocessableException(PRIMARY_DATABASE_ID,
                        "primaryDatabaseId: database " + d.id() + (d.projectId() == null ? " belongs to no project" : " belongs to another project")
                                + ", not to " + p.id());
            }
            if (d.deletionRequested()) {
                throw new UnprocessableException(PRIMARY_DATABASE_ID, "primaryDatabaseId: database " + d.id() + " is being deleted");
            }
        }
        p.choosePrimaryDatabase(databaseId, Instant.now());
        return p;
    }

    /** The database {@code DATABASE_URL} points at (chosen or by the default rule); empty without databases. */
    public Optional<Database> primaryDatabase(Caller caller, String projectId) {
        Project p = get(caller, projectId);
        List<Database> live = live(p);
        if (live.isEmpty()) {
            return Optional.empty();
        }
        String id = DatabaseEnvNames.primary(entries(live), p.primaryDatabaseId()).databaseId();
        return live.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    private static List<DatabaseEnvNames.Entry> entries(List<Database> oldestFirst) {
        return oldestFirst.stream().map(d -> new DatabaseEnvNames.Entry(d.id(), d.slug().value(), d.engine())).toList();
    }

    /** The project's databases that are not being deleted, oldest first. */
    private List<Database> live(Project p) {
        return databases.ofProject(p.workspaceId(), p.id()).stream().filter(d -> !d.deletionRequested()).toList();
    }
}
