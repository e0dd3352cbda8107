package dev.strata.provisioning.database;

import dev.strata.domain.shared.Shown;
import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.CpuQuantity;
import dev.strata.domain.database.Database;
import dev.strata.domain.database.DatabasePage;
import dev.strata.domain.database.DatabaseQuery;
import dev.strata.domain.database.DatabaseRepository;
import dev.strata.domain.database.DatabaseStatus;
import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.database.InstanceIdentity;
import dev.strata.domain.database.MemoryQuantity;
import dev.strata.domain.database.Slug;
import dev.strata.domain.database.StorageClassName;
import dev.strata.domain.database.StorageSize;
import dev.strata.domain.project.Project;
import dev.strata.domain.project.ProjectRepository;
import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.DisplayName;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.Ids;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.driver.EngineDrivers;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.workspace.Workspaces;
import dev.strata.provisioning.event.EventLog;
import dev.strata.domain.event.EventData;
import dev.strata.domain.event.EventType;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Databases as users see them: create, list, read, change, delete. Validates every input (collecting all field
 * errors at once), applies the seed defaults, checks what the host offers, and records the desired state; the
 * reconciler does the work on servers afterwards, so no call here waits for a server.
 */
@Stateless
public class Databases {

    public static final int DEFAULT_LIMIT = dev.strata.domain.shared.PageRequest.DEFAULT_LIMIT;
    public static final int MAX_LIMIT = dev.strata.domain.shared.PageRequest.MAX_LIMIT;
    @Inject
    DatabaseRepository databases;

    @Inject
    Workspaces workspaces;

    @Inject
    EngineDrivers drivers;

    @Inject
    PortAllocator ports;

    @Inject
    dev.strata.provisioning.driver.local.WarmPool warmPool;

    @Inject
    SecretBox secrets;

    @Inject
    StrataConfig config;

    @Inject
    Event<DatabaseChanged> changed;

    @Inject
    ProjectRepository projects;

    @Inject
    EventLog events;

    /**
     * Seed 000's create: a database for a project, in the caller's workspace, named after the project when no name
     * and slug are given (the slug gets a numeric suffix when taken; the workspace's lock, taken first, makes
     * concurrent creates derive one after the other).
     */
    public Database createForProject(Caller caller, NewDatabase req) {
        if (req.projectId() == null || req.projectId().isBlank()) {
            throw new InvalidInputException("projectId", "projectId is required");
        }
        workspaces.lockForChange(caller, caller.workspaceId());
        Project project = project(caller.workspaceId(), req.projectId());
        // derived from the engine's wire name only when it is one (an invalid engine is reported as such by create)
        String engine;
        try {
            engine = Engine.parse("engine", req.engine()).wireName();
        } catch (InvalidInputException e) {
            engine = "";
        }
        String name = req.name() != null ? req.name() : DisplayName.derived(project.name(), engine.isEmpty() ? "" : " " + engine).value();
        String slug = req.slug();
        if (slug == null) {
            String base = Slug.derivedFrom(project.name() + "-" + engine).value();
            slug = base;
            for (int i = 2; databases.slugTaken(caller.workspaceId(), new Slug(slug)); i++) {
                String suffix = "-" + i;
                slug = (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base) + suffix;
            }
        }
        return create(caller, caller.workspaceId(), new NewDatabase(req.projectId(), name, slug, req.engine(), req.version(),
                req.cpu(), req.memory(), req.storageGb(), req.storageClass()));
    }

    public Database create(Caller caller, String wsId, NewDatabase req) {
        return create(caller, wsId, req, null, null, true);
    }

    /** {@code username}/{@code databaseName}: the application user and database, when not derived from the slug. */
    private Database create(Caller caller, String wsId, NewDatabase req, String username, String databaseName) {
        return create(caller, wsId, req, username, databaseName, false);
    }

    /**
     * {@code fromPool}: the database may be a spare server of the warm pool (a new, empty database; not a restore or
     * a branch, whose data directory is replaced anyway).
     */
    private Database create(Caller caller, String wsId, NewDatabase req, String username, String databaseName, boolean fromPool) {
        // first: creates and deletes in a workspace happen one after the other (see WorkspaceRepository#lockForChange)
        workspaces.lockForChange(caller, wsId);
        List<FieldError> errors = new ArrayList<>();
        String name = collect(errors, () -> new DisplayName(req.name()).value());
        Slug slug = collect(errors, () -> new Slug(req.slug()));
        Engine engine = collect(errors, () -> Engine.parse("engine", req.engine()));
        CpuQuantity cpu = req.cpu() == null ? CpuQuantity.DEFAULT : collect(errors, () -> CpuQuantity.parse(req.cpu()));
        MemoryQuantity memory = req.memory() == null ? MemoryQuantity.DEFAULT : collect(errors, () -> MemoryQuantity.parse(req.memory()));
        StorageSize storage = req.storageGb() == null ? StorageSize.DEFAULT : collect(errors, () -> new StorageSize(req.storageGb()));
        String storageClass = req.storageClass() == null ? config.defaultStorageClass() : collect(errors, () -> storageClass(req.storageClass()));
        if (req.version() != null && (req.version().isBlank() || req.version().length() > 20)) {
            errors.add(new FieldError("version", "version must be a short version string such as 16 (got " + Shown.quoted(req.version()) + ")"));
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        EngineOffer offer = drivers.offer(engine).orElseThrow(() ->
                new UnprocessableException("engine", "engine " + engine.wireName() + " is not available on this host"));
        String version = req.version() == null ? offer.defaultVersion() : req.version().trim();
        if (!offer.versions().contains(version)) {
            throw new UnprocessableException("version", engine.wireName() + " version " + Shown.text(version)
                    + " is not available on this host; available: " + String.join(", ", offer.versions()));
        }
        if (req.projectId() != null) {
            project(wsId, req.projectId());
        }
        if (databases.slugTaken(wsId, slug)) {
            throw new ConflictException("slug", "a database with slug " + slug.value() + " already exists in this workspace");
        }
        String identifier = slug.value().replace('-', '_');
        if (identifier.startsWith("pg_")) {
            // PostgreSQL reserves role names starting with pg_ (a slug "pg-app" would fail to provision)
            identifier = ("db_" + identifier).substring(0, Math.min(63, identifier.length() + 3));
        }
        String user = username != null ? username : identifier;
        String dbName = databaseName != null ? databaseName : identifier;
        String password = SecretBox.randomPassword(32);
        String adminPassword = SecretBox.randomPassword(32);
        boolean needsTlsPort = drivers.forEngine(engine).needsTlsPort();
        // a spare of the warm pool takes the users and passwords now, before its ports (the database's from now on) are published
        dev.strata.provisioning.driver.local.WarmPool.Ports spare = fromPool ? spare(wsId, req.projectId(), engine, version, cpu, memory,
                storage, storageClass, user, dbName, password, adminPassword) : null;
        if (spare != null && needsTlsPort != (spare.tlsPort() != null)) {
            throw new IllegalStateException("the spare server's ports do not fit a database of " + engine.wireName()); // never: spares are made as databases are
        }
        Integer port = spare != null ? Integer.valueOf(spare.port()) : null;
        if (port == null && drivers.forEngine(engine).needsPort()) {
            port = ports.allocate();
        }
        Integer tlsPort = spare != null ? spare.tlsPort() : needsTlsPort ? Integer.valueOf(ports.allocate()) : null;
        InstanceIdentity identity = new InstanceIdentity(port, user, dbName, secrets.seal(password), secrets.seal(adminPassword), tlsPort);
        Database db = Database.create(wsId, req.projectId(), name, slug, engine, version, cpu, memory, storage,
                storageClass, identity, Instant.now());
        databases.add(db);
        events.record(EventType.DATABASE_CREATED, db, "Database " + db.name() + " (" + engine.wireName() + " " + version + ") was created",
                EventData.builder().put("name", db.name()).put("slug", slug.value()).put("engine", engine.wireName())
                        .put("version", version).build());
        changed.fire(new DatabaseChanged(db.id()));
        return db;
    }

    private dev.strata.provisioning.driver.local.WarmPool.Ports spare(String wsId, String projectId, Engine engine, String version,
            CpuQuantity cpu, MemoryQuantity memory, StorageSize storage, String storageClass, String user, String dbName, String password,
            String adminPassword) {
        return warmPool.take(engine, version, cpu, memory, p -> new dev.strata.domain.database.InstanceSpec("new", wsId, projectId, engine,
                version, cpu, memory, storage, storageClass, p.port(), user, dbName, password, adminPassword, false, p.tlsPort())).orElse(null);
    }

    /**
     * A new database with a backup's data: same engine and version as the backup (which must be offered here), in the
     * backup's project when that still exists, with its own name, slug, port and passwords. Its application user and
     * database keep the source's names (as a CloudNativePG recovery does): the data in it refers to them.
     */
    public Database createFromBackup(Caller caller, String wsId, String name, String slug, dev.strata.domain.backup.Backup backup) {
        EngineOffer offer = drivers.offer(backup.engine()).orElseThrow(() ->
                new UnprocessableException("backupId", "engine " + backup.engine().wireName() + " of the backup is not available on this host"));
        if (!offer.versions().contains(backup.engineVersion())) {
            throw new UnprocessableException("backupId", "the backup is of " + backup.engine().wireName() + " " + backup.engineVersion()
                    + ", which is not available on this host (available: " + String.join(", ", offer.versions()) + ")");
        }
        String projectId = backup.projectId() != null && projects.find(wsId, backup.projectId()).isPresent() ? backup.projectId() : null;
        Database db = create(caller, wsId, new NewDatabase(projectId, name, slug, backup.engine().wireName(), backup.engineVersion(),
                null, null, null, null), backup.sourceUsername(), backup.sourceDatabase());
        db.restoreFrom(backup.id());
        return db;
    }

    /**
     * A branch of {@code parent}: a new database of the same engine, version, size and project, with its own name,
     * slug, port and passwords; the parent's application user and database names (its data refers to them). The
     * caller says where its data comes from ({@link Database#restoreFrom}, {@link Database#cloneFrom}).
     */
    public Database createBranch(Caller caller, String wsId, Database parent, String name, String slug, Instant branchPoint, String note) {
        String projectId = parent.projectId() != null && projects.find(wsId, parent.projectId()).isPresent() ? parent.projectId() : null;
        Database db = create(caller, wsId, new NewDatabase(projectId, name, slug, parent.engine().wireName(), parent.engineVersion(),
                parent.cpu().value(), parent.memory().value(), parent.storage().gb(), parent.storageClass()), parent.username(), parent.databaseName());
        db.branchOf(parent, branchPoint, note);
        return db;
    }

    /** The branches made from a database of the workspace (404 when it does not exist), oldest first. */
    public List<Database> branches(Caller caller, String wsId, String dbId) {
        Database db = find(caller, wsId, dbId);
        return databases.branchesOf(wsId, db.id());
    }

    public DatabasePage list(Caller caller, String wsId, ListRequest req) {
        workspaces.get(caller, wsId);
        List<FieldError> errors = new ArrayList<>();
        dev.strata.domain.shared.PageRequest paging = dev.strata.domain.shared.PageRequest.parse(req.page(), req.limit(), errors);
        Engine engine = req.engine() == null || req.engine().isEmpty() ? null : collect(errors, () -> Engine.parse("engine", req.engine()));
        DatabaseStatus status = req.status() == null || req.status().isEmpty() ? null : collect(errors, () -> DatabaseStatus.parse("status", req.status()));
        String search = req.search() == null || req.search().isBlank() ? null : req.search().trim();
        if (search != null && search.length() > 200) {
            errors.add(new FieldError("search", "search must be at most 200 characters (got " + search.length() + ")"));
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        String projectId = req.projectId() == null || req.projectId().isEmpty() ? null : req.projectId();
        return databases.list(new DatabaseQuery(wsId, projectId, engine, status, search, paging.page(), paging.limit()));
    }

    public Database get(Caller caller, String wsId, String dbId) {
        workspaces.get(caller, wsId);
        return find(wsId, dbId);
    }

    public Database update(Caller caller, String wsId, String dbId, DatabaseChanges req) {
        workspaces.get(caller, wsId);
        Database db = find(wsId, dbId);
        if (req.isEmpty()) {
            throw new InvalidInputException("nothing to change: send at least one of name, cpu, memory, storageGb",
                    List.of(new FieldError("body", "send at least one of name, cpu, memory, storageGb")));
        }
        List<FieldError> errors = new ArrayList<>();
        String name = req.name() == null ? null : collect(errors, () -> new DisplayName(req.name()).value());
        CpuQuantity cpu = req.cpu() == null ? null : collect(errors, () -> CpuQuantity.parse(req.cpu()));
        MemoryQuantity memory = req.memory() == null ? null : collect(errors, () -> MemoryQuantity.parse(req.memory()));
        StorageSize storage = req.storageGb() == null ? null : collect(errors, () -> new StorageSize(req.storageGb()));
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        long before = db.generation();
        String cpuBefore = db.cpu().value();
        String memoryBefore = db.memory().value();
        int storageBefore = db.storage().gb();
        db.update(name, cpu, memory, storage, Instant.now());
        if (db.generation() != before) {
            EventData.Builder data = EventData.builder();
            List<String> what = new ArrayList<>();
            if (db.storage().gb() != storageBefore) {
                data.put("storageGb", db.storage().gb());
                what.add("storage " + storageBefore + " → " + db.storage().gb() + " GB");
            }
            if (!db.memory().value().equals(memoryBefore)) {
                data.put("memory", db.memory().value());
                what.add("memory " + memoryBefore + " → " + db.memory().value());
            }
            if (!db.cpu().value().equals(cpuBefore)) {
                data.put("cpu", db.cpu().value());
                what.add("cpu " + cpuBefore + " → " + db.cpu().value());
            }
            events.record(EventType.DATABASE_RESIZED, db, "Database " + db.name() + " was resized: " + String.join(", ", what), data.build());
            changed.fire(new DatabaseChanged(db.id()));
        }
        return db;
    }

    public void delete(Caller caller, String wsId, String dbId) {
        workspaces.get(caller, wsId);
        Database db = findForChange(wsId, dbId);
        Instant now = Instant.now();
        db.requestDeletion(now);
        // a deleted primary is no choice any more: DATABASE_URL falls back to the default rule, the project shows null
        if (db.projectId() != null) {
            projects.find(wsId, db.projectId()).ifPresent(p -> p.forgetPrimaryDatabase(db.id(), now));
        }
        changed.fire(new DatabaseChanged(db.id()));
    }

    /** Stops the database's server, keeping its data ({@code sleeping}). */
    public Database sleep(Caller caller, String wsId, String dbId) {
        Database db = get(caller, wsId, dbId);
        boolean wasAwake = !db.sleepRequested();
        db.requestSleep(Instant.now());
        if (wasAwake) {
            events.databaseSlept(db, "on request");
        }
        changed.fire(new DatabaseChanged(db.id()));
        return db;
    }

    /** Starts a sleeping database's server again with its data. */
    public Database wake(Caller caller, String wsId, String dbId) {
        Database db = get(caller, wsId, dbId);
        boolean wasAsleep = db.sleepRequested();
        db.requestWake(Instant.now());
        if (wasAsleep) {
            events.databaseWoke(db, "on request");
        }
        changed.fire(new DatabaseChanged(db.id()));
        return db;
    }

    /**
     * A client connected to a sleeping database's port (Strata's front door): the database wakes, and its project no
     * longer shows as sleeping. Nothing happens to a database that is awake or being deleted.
     */
    public void wakeForConnection(String dbId) {
        databases.findById(dbId).filter(d -> d.sleepRequested() && !d.deletionRequested()).ifPresent(db -> {
            Instant now = Instant.now();
            db.requestWake(now);
            events.databaseWoke(db, "a client connected");
            if (db.projectId() != null) {
                projects.find(db.workspaceId(), db.projectId()).ifPresent(p -> {
                    if (p.sleeping()) {
                        events.record(EventType.PROJECT_WOKE, p.workspaceId(), p.id(), null, null, "Project " + p.name()
                                + " woke because a client connected to its database " + db.name(), EventData.builder().put("reason", "a client connected")
                                .put("databaseId", db.id()).build());
                    }
                    p.wake(now);
                });
            }
            changed.fire(new DatabaseChanged(db.id()));
        });
    }

    /** No client has used the database for its project's autoSleepMinutes: it sleeps (a connection wakes it again). */
    public boolean sleepWhenIdle(String dbId) {
        return databases.findById(dbId).filter(d -> !d.sleepRequested() && !d.deletionRequested() && d.status() == DatabaseStatus.READY)
                .map(db -> {
                    db.requestSleep(Instant.now());
                    events.databaseSlept(db, "idle");
                    changed.fire(new DatabaseChanged(db.id()));
                    return true;
                }).orElse(false);
    }

    public Readiness readiness(Caller caller, String wsId, String dbId) {
        Database db = get(caller, wsId, dbId);
        return new Readiness(db.readyReplicas(), db.desiredReplicas());
    }

    public ConnectionInfo connection(Caller caller, String wsId, String dbId) {
        Database db = get(caller, wsId, dbId);
        return drivers.forEngine(db.engine()).connection(db.publicSpec(secrets.open(db.passwordSealed())));
    }

    /** Counts of the workspace's databases by status and by engine (wire names), for the overview. */
    public Summary summary(Caller caller) {
        java.util.Map<String, Long> byStatus = new java.util.TreeMap<>();
        java.util.Map<String, Long> byEngine = new java.util.TreeMap<>();
        for (Object[] row : databases.countByStatusAndEngine(caller.workspaceId())) {
            long n = (Long) row[2];
            byStatus.merge(((DatabaseStatus) row[0]).wireName(), n, Long::sum);
            byEngine.merge(((Engine) row[1]).wireName(), n, Long::sum);
        }
        return new Summary(byStatus, byEngine, databases.recentlyChanged(caller.workspaceId(), 8));
    }

    /** The overview's numbers. */
    public record Summary(java.util.Map<String, Long> byStatus, java.util.Map<String, Long> byEngine, List<Database> recent) {
    }

    /** What this host offers, for the engines endpoint and the create form. */
    public List<EngineOffer> offers() {
        return drivers.offers();
    }

    private Project project(String wsId, String projectId) {
        return projects.find(wsId, projectId).orElseThrow(() ->
                new UnprocessableException("projectId", "project " + Shown.text(projectId) + " does not exist in this workspace"));
    }

    /** The database of the workspace (404 otherwise), for other application services. */
    public Database find(Caller caller, String wsId, String dbId) {
        workspaces.get(caller, wsId);
        return find(wsId, dbId);
    }

    /** As {@link #find(Caller, String, String)}, locked for a change. */
    public Database findForChange(Caller caller, String wsId, String dbId) {
        workspaces.get(caller, wsId);
        return findForChange(wsId, dbId);
    }

    private Database find(String wsId, String dbId) {
        return databases.find(wsId, wellFormed(dbId)).orElseThrow(() -> new NotFoundException("database", dbId));
    }

    /** As {@link #find}, locked for a user's change ({@link dev.strata.domain.database.DatabaseRepository#lockForChange}). */
    private Database findForChange(String wsId, String dbId) {
        return databases.lockForChange(wsId, wellFormed(dbId)).orElseThrow(() -> new NotFoundException("database", dbId));
    }

    /** The id, or a 404 when it cannot be a database's (shown safely). */
    private static String wellFormed(String dbId) {
        if (!Ids.looksLike(Database.ID_PREFIX, dbId)) {
            throw new NotFoundException("database", Shown.text(dbId));
        }
        return dbId;
    }

    private static String storageClass(String raw) {
        return new StorageClassName(raw).value();
    }

    private static <T> T collect(List<FieldError> errors, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidInputException e) {
            errors.addAll(e.errors());
            return null;
        }
    }

    private static InvalidInputException invalid(List<FieldError> errors) {
        String message = errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid";
        return new InvalidInputException(message, errors);
    }

}
