package dev.strata.provisioning.project;

/** One environment variable of a project; {@code managedBy} says who owns it ({@code strata}). */
public record EnvVar(String name, String value, String managedBy) {

    @Override
    public String toString() {
        return "EnvVar[" + name + "]";
    }
}
