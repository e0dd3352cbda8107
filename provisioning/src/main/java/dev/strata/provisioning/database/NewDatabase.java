package dev.strata.provisioning.database;

/** A create request as the user sent it; {@link Databases} validates every field and fills defaults. */
public record NewDatabase(String projectId, String name, String slug, String engine, String version, String cpu,
                          String memory, Integer storageGb, String storageClass) {
}
