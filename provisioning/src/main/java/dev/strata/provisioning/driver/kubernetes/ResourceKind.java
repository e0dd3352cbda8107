package dev.strata.provisioning.driver.kubernetes;

/** A kind of Kubernetes object as the API server addresses it: group, version, plural resource name, kind. */
public record ResourceKind(String group, String version, String plural, String kind) {

    public static final ResourceKind SECRET = new ResourceKind("", "v1", "secrets", "Secret");
    public static final ResourceKind NAMESPACE = new ResourceKind("", "v1", "namespaces", "Namespace");
    public static final ResourceKind POD = new ResourceKind("", "v1", "pods", "Pod");
    public static final ResourceKind PERSISTENT_VOLUME_CLAIM = new ResourceKind("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim");
    public static final ResourceKind STATEFUL_SET = new ResourceKind("apps", "v1", "statefulsets", "StatefulSet");

    /** {@code postgresql.cnpg.io/v1}, or {@code v1} for the core group. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** How people write it: {@code clusters.postgresql.cnpg.io}, {@code secrets}. */
    @Override
    public String toString() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
