package dev.strata.domain.database;

/**
 * What a driver is asked to make true for one database. Passwords are plain here: a spec lives only for the
 * duration of a driver call and is never stored or logged ({@link #toString()} hides them). The workspace and
 * project (null for a database created without one) let a driver place the server, e.g. in a namespace.
 * {@code tlsPort} is a second port for TLS where one port cannot serve both (a local Redis), null elsewhere.
 */
public record InstanceSpec(String id, String workspaceId, String projectId, Engine engine, String version, CpuQuantity cpu, MemoryQuantity memory,
                           StorageSize storage, String storageClass, Integer port, String username,
                           String databaseName, String password, String adminPassword, boolean sleeping,
                           Integer tlsPort) {

    @Override
    public String toString() {
        return "InstanceSpec[id=" + id + ", engine=" + engine.wireName() + ", version=" + version + ", cpu="
                + cpu.value() + ", memory=" + memory.value() + ", storageGb=" + storage.gb() + ", port=" + port
                + ", tlsPort=" + tlsPort + ", sleeping=" + sleeping + "]";
    }
}
