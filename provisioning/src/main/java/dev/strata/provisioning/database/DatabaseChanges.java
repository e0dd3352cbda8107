package dev.strata.provisioning.database;

/** A PATCH as the user sent it; null means "leave as it is". */
public record DatabaseChanges(String name, String cpu, String memory, Integer storageGb) {

    public boolean isEmpty() {
        return name == null && cpu == null && memory == null && storageGb == null;
    }
}
