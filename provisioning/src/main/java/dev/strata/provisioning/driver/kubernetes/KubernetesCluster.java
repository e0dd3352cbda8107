package dev.strata.provisioning.driver.kubernetes;

import dev.strata.domain.database.InstanceSpec;
import dev.strata.provisioning.config.StrataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster Strata drives in Kubernetes mode and where things go in it: the namespace of a workspace or project
 * ({@code STRATA_K8S_NAMESPACE_MODE}) and the object names of a database. The client connects on first use, so a
 * wrong kubeconfig shows up in the databases' status messages instead of failing the deployment.
 */
@ApplicationScoped
public class KubernetesCluster {

    public static final String DATABASE_ID_LABEL = "strata.dev/database-id";
    public static final String WORKSPACE_ID_LABEL = "strata.dev/workspace-id";
    public static final String PROJECT_ID_LABEL = "strata.dev/project-id";

    @Inject
    StrataConfig config;

    private volatile KubernetesApi api;

    public KubernetesCluster() {
    }

    /** For tests: a cluster reached through {@code api}. */
    public KubernetesCluster(StrataConfig config, KubernetesApi api) {
        this.config = config;
        this.api = api;
    }

    public KubernetesApi api() {
        KubernetesApi a = api;
        if (a == null) {
            synchronized (this) {
                if (api == null) {
                    api = KubernetesApi.connect(config.kubeconfig());
                }
                a = api;
            }
        }
        return a;
    }

    public StrataConfig config() {
        return config;
    }

    /** Where a database lives: its namespace and the name of its custom resource. */
    public record Target(String namespace, String name) {
    }

    public Target target(InstanceSpec spec) {
        return new Target(namespace(spec.workspaceId(), spec.projectId()), dnsName(spec.id()));
    }

    /** The namespace of a project's (or, without project, a workspace's) databases and environment Secret. */
    public String namespace(String workspaceId, String projectId) {
        return switch (config.namespaceMode()) {
            case "single" -> config.singleNamespace();
            case "project" -> config.namespacePrefix() + dnsName(projectId != null ? projectId : workspaceId);
            default -> config.namespacePrefix() + dnsName(workspaceId);
        };
    }

    /** Labels on everything Strata writes for a database. */
    public Map<String, String> labels(InstanceSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KubernetesApi.MANAGED_BY_LABEL, KubernetesApi.MANAGED_BY);
        labels.put(DATABASE_ID_LABEL, spec.id());
        labels.put(WORKSPACE_ID_LABEL, spec.workspaceId());
        if (spec.projectId() != null) {
            labels.put(PROJECT_ID_LABEL, spec.projectId());
        }
        return labels;
    }

    /** Strata ids ({@code db_01j9...}) as Kubernetes names: lowercase, '-' for '_'. */
    public static String dnsName(String id) {
        return id.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
