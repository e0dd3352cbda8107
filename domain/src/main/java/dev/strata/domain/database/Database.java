package dev.strata.domain.database;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * A managed database: the desired spec a user asked for, plus what the reconciler last observed of its server.
 * The spec changes only through intent methods ({@link #update}, {@link #requestDeletion}, ...), each of which
 * bumps {@code generation} when the server has work to do; the status is never set by callers but derived by
 * {@link StatusDerivation} and guarded by the {@link DatabaseStatus} state machine.
 */
@Entity
@Table(name = "strata_database",
        uniqueConstraints = {
                @UniqueConstraint(name = "uq_database_slug", columnNames = {"workspace_id", "slug"}),
                @UniqueConstraint(name = "uq_database_port", columnNames = {"port"}),
                @UniqueConstraint(name = "uq_database_tls_port", columnNames = {"tls_port"})},
        indexes = @Index(name = "ix_database_workspace", columnList = "workspace_id, id"))
public class Database extends WorkspaceOwned {

    public static final String ID_PREFIX = "db";

    @Column(name = "project_id", length = 40)
    private String projectId;

    // --- desired spec ---
    @Column(nullable = false, length = 200)
    private String name;

    @Column(nullable = false, length = 63)
    private String slug;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private Engine engine;

    @Column(name = "engine_version", nullable = false, length = 20)
    private String engineVersion;

    @Column(nullable = false, length = 20)
    private String cpu;

    @Column(nullable = false, length = 20)
    private String memory;

    @Column(name = "storage_gb", nullable = false)
    private int storageGb;

    @Column(name = "storage_class", length = StorageClassName.MAX_LENGTH)
    private String storageClass;

    @Column(name = "sleep_requested", nullable = false)
    private boolean sleepRequested;

    @Column(name = "deletion_requested", nullable = false)
    private boolean deletionRequested;

    /** A backup whose data the server must be given (a restore into this new database, or in place); null when none. */
    @Column(name = "restore_backup_id", length = 40)
    private String restoreBackupId;

    /** The safety backup an in-place restore waits for before it replaces anything; null for a new database. */
    @Column(name = "safety_backup_id", length = 40)
    private String safetyBackupId;

    /** With {@link #restoreBackupId}: replay the backup's continuous archive up to this instant (point-in-time restore). */
    @Column(name = "restore_point_in_time")
    private Instant restorePointInTime;

    /**
     * When the last in-place restore finished: the archive from before it leads elsewhere (another timeline), so
     * point-in-time restores after it start from backups taken after it.
     */
    @Column(name = "restored_at")
    private Instant restoredAt;

    /** A branch: the database it was made from (which may since have been deleted), and the moment of the parent it copies. */
    @Column(name = "parent_id", length = 40)
    private String parentId;

    @Column(name = "branch_point")
    private Instant branchPoint;

    /** A branch whose data is still to be copied straight from its parent's server (a fast branch of the present). */
    @Column(name = "clone_source_id", length = 40)
    private String cloneSourceId;

    /** How a branch's data was made (a clone of the files, a full copy, a backup), shown while nothing else is to say. */
    @Column(name = "branch_note", length = 500)
    private String branchNote;

    /** Bumped whenever the server has to change; the reconciler is done when observedGeneration catches up. */
    @Column(nullable = false)
    private long generation;

    // --- identity of the server, fixed when the database is created ---
    @Column(name = "port")
    private Integer port;

    /**
     * The loopback port the server itself listens on once the database has slept, while Strata's front door holds
     * {@link #port} (a connection to it wakes a sleeping database and is passed through); null: the server listens
     * on {@link #port} itself.
     */
    @Column(name = "server_port")
    private Integer serverPort;

    /** A second port for TLS where the server cannot offer TLS on its port (a local Redis); null elsewhere and for older databases. */
    @Column(name = "tls_port")
    private Integer tlsPort;

    /**
     * The loopback port the server takes TLS connections on once the database has slept, while Strata's front door
     * holds {@link #tlsPort} as it holds {@link #port}; null: the server listens on {@link #tlsPort} itself (or has none).
     */
    @Column(name = "server_tls_port")
    private Integer serverTlsPort;

    @Column(name = "username", nullable = false, length = 63)
    private String username;

    @Column(name = "database_name", nullable = false, length = 63)
    private String databaseName;

    /** Encrypted by the secrets service; never plain text at rest. */
    @Column(name = "password_sealed", nullable = false, length = 512)
    private String passwordSealed;

    @Column(name = "admin_password_sealed", nullable = false, length = 512)
    private String adminPasswordSealed;

    // --- observed ---
    @Column(name = "observed_generation", nullable = false)
    private long observedGeneration;

    @Column(name = "ever_ready", nullable = false)
    private boolean everReady;

    @Column(name = "ready_replicas", nullable = false)
    private int readyReplicas;

    @Column(name = "observed_stopped", nullable = false)
    private boolean observedStopped;

    @Column(name = "failing", nullable = false)
    private boolean failing;

    @Column(name = "status_message", length = 1000)
    private String statusMessage;

    @Column(name = "storage_used_bytes")
    private Long storageUsedBytes;

    // --- derived ---
    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private DatabaseStatus status;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Database() {
    }

    /** A new database in {@code provisioning}; the reconciler creates its server. */
    public static Database create(String workspaceId, String projectId, String name, Slug slug, Engine engine,
                                  String engineVersion, CpuQuantity cpu, MemoryQuantity memory, StorageSize storage,
                                  String storageClass, InstanceIdentity identity, Instant now) {
        Database d = new Database();
        d.identify(ID_PREFIX, workspaceId, now);
        d.projectId = projectId;
        d.name = name;
        d.slug = slug.value();
        d.engine = engine;
        d.engineVersion = engineVersion;
        d.cpu = cpu.value();
        d.memory = memory.value();
        d.storageGb = storage.gb();
        d.storageClass = storageClass;
        d.port = identity.port();
        d.tlsPort = identity.tlsPort();
        d.username = identity.username();
        d.databaseName = identity.databaseName();
        d.passwordSealed = identity.passwordSealed();
        d.adminPasswordSealed = identity.adminPasswordSealed();
        d.generation = 1;
        d.status = DatabaseStatus.PROVISIONING;
        d.updatedAt = now;
        return d;
    }

    /** Marks a new database to be created from a backup's data instead of empty. */
    public void restoreFrom(String backupId) {
        restoreFrom(backupId, null);
    }

    /** Marks a new database to be created from a backup's data, replayed up to {@code pointInTime} when not null. */
    public void restoreFrom(String backupId, Instant pointInTime) {
        if (everReady || status != DatabaseStatus.PROVISIONING) {
            throw new IllegalStateException("only a new database is created from a backup");
        }
        restoreBackupId = backupId;
        restorePointInTime = pointInTime;
    }

    /**
     * Marks a new database as a branch of {@code parent} at {@code branchPoint}; {@code note} says how its data is
     * made. Its data comes from a restore ({@link #restoreFrom}) or a copy of the parent's files ({@link #cloneFrom}).
     */
    public void branchOf(Database parent, Instant branchPoint, String note) {
        if (everReady || status != DatabaseStatus.PROVISIONING) {
            throw new IllegalStateException("only a new database is made a branch");
        }
        this.parentId = parent.id();
        this.branchPoint = branchPoint;
        this.branchNote = note;
    }

    /** The new database's data is to be copied from {@code parent}'s server, as it is when the copy is made. */
    public void cloneFrom(Database parent) {
        if (everReady || status != DatabaseStatus.PROVISIONING) {
            throw new IllegalStateException("only a new database is cloned");
        }
        cloneSourceId = parent.id();
    }

    /** The copy is in place; {@code note} says how it was made. */
    public void cloneFinished(String note, Instant now) {
        cloneSourceId = null;
        branchNote = note;
        updatedAt = now;
    }

    /**
     * Asks for this database's data to be replaced by a backup's, after the safety backup {@code safetyBackupId}
     * completed; the database shows {@code updating} until the restored server is ready (or asleep, if it slept).
     */
    public void requestRestore(String backupId, String safetyBackupId, Instant now) {
        requestRestore(backupId, null, safetyBackupId, now);
    }

    /** As {@link #requestRestore(String, String, Instant)}, replaying the backup's archive up to {@code pointInTime} when not null. */
    public void requestRestore(String backupId, Instant pointInTime, String safetyBackupId, Instant now) {
        if (!everReady || restoreBackupId != null) {
            throw new IllegalStatusTransitionException(status, DatabaseStatus.UPDATING);
        }
        status.transitionTo(DatabaseStatus.UPDATING);
        restoreBackupId = backupId;
        restorePointInTime = pointInTime;
        this.safetyBackupId = safetyBackupId;
        generation++;
        updatedAt = now;
        rederive();
    }

    /** The restore asked for is done (or was given up, {@code reason} saying why); the reconciler goes on as usual. */
    public void restoreFinished(String backupId, String reason, Instant now) {
        if (backupId.equals(restoreBackupId)) {
            if (everReady && reason == null) {
                restoredAt = now;
            }
            restoreBackupId = null;
            restorePointInTime = null;
            safetyBackupId = null;
            if (reason != null) {
                statusMessage = reason;
            }
            updatedAt = now;
        }
    }

    /**
     * Changes the display name and/or resources; {@code null} leaves a field as it is. Resource changes make the
     * server restart with new settings ({@code updating}); storage only grows.
     */
    public void update(String newName, CpuQuantity newCpu, MemoryQuantity newMemory, StorageSize newStorage, Instant now) {
        status.transitionTo(status == DatabaseStatus.PROVISIONING ? DatabaseStatus.PROVISIONING : DatabaseStatus.UPDATING);
        if (deletionRequested) {
            // unreachable through the state machine (deleting cannot become updating), kept as the invariant
            throw new IllegalStatusTransitionException(DatabaseStatus.DELETING, DatabaseStatus.UPDATING);
        }
        boolean serverChanges = false;
        if (newStorage != null) {
            StorageSize grown = storage().growTo(newStorage);
            serverChanges |= grown.gb() != storageGb;
            storageGb = grown.gb();
        }
        if (newCpu != null && newCpu.millicores() != cpu().millicores()) {
            cpu = newCpu.value();
            serverChanges = true;
        }
        if (newMemory != null && newMemory.bytes() != memory().bytes()) {
            memory = newMemory.value();
            serverChanges = true;
        }
        if (newName != null) {
            name = newName;
        }
        if (serverChanges) {
            generation++;
        }
        updatedAt = now;
        rederive();
    }

    /** Marks the database for deletion; the reconciler stops the server and removes its data. Idempotent. */
    public void requestDeletion(Instant now) {
        status.transitionTo(DatabaseStatus.DELETING);
        if (!deletionRequested) {
            deletionRequested = true;
            generation++;
            updatedAt = now;
        }
        rederive();
    }

    /** Stops the server but keeps its data. */
    public void requestSleep(Instant now) {
        if (!everReady) {
            // a server that never ran has nothing to keep; it can only be deleted or become ready first
            throw new IllegalStatusTransitionException(status, DatabaseStatus.SLEEPING);
        }
        status.transitionTo(DatabaseStatus.SLEEPING);
        if (!sleepRequested) {
            sleepRequested = true;
            generation++;
            updatedAt = now;
        }
        rederive();
    }

    /** Starts a sleeping server again with its data. */
    public void requestWake(Instant now) {
        if (sleepRequested) {
            status.transitionTo(DatabaseStatus.UPDATING);
            sleepRequested = false;
            generation++;
            updatedAt = now;
        }
        rederive();
    }

    /**
     * Records what the reconciler saw after working on {@code workedGeneration} of the spec.
     * The driver call succeeded when {@code observation.failure()} is null.
     */
    public void recordObservation(long workedGeneration, InstanceObservation observation, Instant now) {
        readyReplicas = observation.ready() ? 1 : 0;
        observedStopped = observation.stopped();
        failing = observation.failure() != null;
        statusMessage = observation.message();
        if (observation.storageUsedBytes() != null) {
            storageUsedBytes = observation.storageUsedBytes();
        }
        if (statusMessage == null && overStorage()) {
            statusMessage = "storage used (" + storageUsedBytes + " bytes) exceeds storageGb (" + storageGb + " GiB)";
        }
        boolean converged = !failing && workedGeneration == generation
                && (sleepRequested ? observation.stopped() : observation.ready());
        if (converged) {
            observedGeneration = workedGeneration;
            if (observation.ready()) {
                everReady = true;
            }
        }
        DatabaseStatus before = status;
        rederive();
        if (before != status) {
            updatedAt = now;
        }
    }

    private void rederive() {
        DatabaseStatus next = StatusDerivation.derive(new StatusDerivation.Facts(deletionRequested, sleepRequested,
                generation, observedGeneration, everReady, readyReplicas > 0, observedStopped, failing));
        status = status.transitionTo(next);
    }

    /** Whether the data on disk is larger than the storage the user asked for (local servers cannot enforce it). */
    public boolean overStorage() {
        return storageUsedBytes != null && storageUsedBytes > storageGb * 1024L * 1024L * 1024L;
    }

    /** Whether the reconciler has anything left to do beyond health checks. */
    public boolean converged() {
        return !deletionRequested && observedGeneration == generation && !failing;
    }

    /**
     * What the driver works with: the ports are the ones the server itself listens on ({@link #serverPort} and
     * {@link #serverTlsPort} once fronted).
     */
    public InstanceSpec spec(String password, String adminPassword) {
        return new InstanceSpec(id(), workspaceId(), projectId, engine, engineVersion, cpu(), memory(), storage(), storageClass,
                serverPort != null ? serverPort : port, username, databaseName, password, adminPassword, sleepRequested,
                serverTlsPort != null ? serverTlsPort : tlsPort);
    }

    /** What clients are told (connection info, environment): the public port, whoever holds it. */
    public InstanceSpec publicSpec(String password) {
        return new InstanceSpec(id(), workspaceId(), projectId, engine, engineVersion, cpu(), memory(), storage(), storageClass, port,
                username, databaseName, password, null, sleepRequested, tlsPort);
    }

    /** From now on the server listens on {@code loopbackPort} and Strata's front door on {@link #port}. */
    public void frontWith(int loopbackPort) {
        if (serverPort == null) {
            serverPort = loopbackPort;
        }
    }

    public Integer serverPort() {
        return serverPort;
    }

    /** From now on the server takes TLS connections on {@code loopbackPort} and Strata's front door holds {@link #tlsPort}. */
    public void frontTlsWith(int loopbackPort) {
        if (tlsPort != null && serverTlsPort == null) {
            serverTlsPort = loopbackPort;
        }
    }

    /** Whether the database has a TLS port the front door does not hold yet. */
    public boolean tlsPortUnfronted() {
        return tlsPort != null && serverTlsPort == null;
    }

    public Integer serverTlsPort() {
        return serverTlsPort;
    }

    /**
     * Brings a branch back to its parent's present (Neon's "reset from parent"): an in-place restore of the parent's
     * backup {@code backupId}, after the safety backup of the branch; the credentials stay the branch's.
     */
    public void resetToParent(String backupId, String safetyBackupId, Instant now) {
        if (parentId == null) {
            throw new IllegalStateException("only a branch is reset from its parent");
        }
        requestRestore(backupId, null, safetyBackupId, now);
        branchPoint = now;
    }

    /** Whether the database was ever ready (a restore that cannot be done then leaves it in error rather than empty). */
    public boolean everReady() { return everReady; }
    public String restoreBackupId() { return restoreBackupId; }
    public Instant restorePointInTime() { return restorePointInTime; }
    public String parentId() { return parentId; }
    public Instant restoredAt() { return restoredAt; }
    public String cloneSourceId() { return cloneSourceId; }
    public String branchNote() { return branchNote; }
    public Instant branchPoint() { return branchPoint; }
    public String safetyBackupId() { return safetyBackupId; }
    public String projectId() { return projectId; }
    public String name() { return name; }
    public Slug slug() { return new Slug(slug); }
    public Engine engine() { return engine; }
    public String engineVersion() { return engineVersion; }
    public CpuQuantity cpu() { return CpuQuantity.parse(cpu); }
    public MemoryQuantity memory() { return MemoryQuantity.parse(memory); }
    public StorageSize storage() { return new StorageSize(storageGb); }
    public String storageClass() { return storageClass; }
    public DatabaseStatus status() { return status; }
    public String statusMessage() { return statusMessage; }
    public long generation() { return generation; }
    public long observedGeneration() { return observedGeneration; }
    public boolean deletionRequested() { return deletionRequested; }
    public boolean sleepRequested() { return sleepRequested; }
    public int readyReplicas() { return readyReplicas; }
    public int desiredReplicas() { return sleepRequested || deletionRequested ? 0 : 1; }
    public Integer port() { return port; }
    public Integer tlsPort() { return tlsPort; }
    public String username() { return username; }
    public String databaseName() { return databaseName; }
    public String passwordSealed() { return passwordSealed; }
    public String adminPasswordSealed() { return adminPasswordSealed; }
    public Long storageUsedBytes() { return storageUsedBytes; }
    public Instant updatedAt() { return updatedAt; }
}
