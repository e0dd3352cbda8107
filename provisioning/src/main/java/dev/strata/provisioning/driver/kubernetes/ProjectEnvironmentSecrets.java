package dev.strata.provisioning.driver.kubernetes;

import com.google.gson.JsonObject;
import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.project.EnvVar;
import dev.strata.provisioning.project.Projects;
import dev.strata.provisioning.project.Projects.ProjectEnvironment;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Kubernetes mode: each project's environment (the variables of {@code GET /projects/{id}/env}) is also a Secret
 * {@code <project>-env} in the project's namespace, for workloads to mount with {@code envFrom}. Kept in step
 * every few seconds: written when the variables change (a database became ready, a key was rotated), removed when
 * the project is gone. Does nothing in local mode.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ProjectEnvironmentSecrets {

    public static final String ROLE_LABEL = "strata.dev/role";
    public static final String ROLE = "project-environment";
    private static final Logger LOG = Logger.getLogger(ProjectEnvironmentSecrets.class.getName());

    @Inject
    StrataConfig config;

    @Inject
    KubernetesCluster cluster;

    @EJB
    Projects projects;

    @Resource
    ManagedScheduledExecutorService timer;

    /** What was last written for each project (its variables), so unchanged projects cost no API call. */
    private final Map<String, Map<String, String>> published = new ConcurrentHashMap<>();
    private ScheduledFuture<?> ticking;
    private volatile String lastFailure;

    @PostConstruct
    void start() {
        if (config.driver().equals("kubernetes")) {
            long every = Math.max(1000, 2 * config.reconcileInterval().toMillis());
            ticking = timer.scheduleWithFixedDelay(this::sync, every, every, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    public static String secretName(String projectId) {
        return KubernetesCluster.dnsName(projectId) + "-env";
    }

    void sync() {
        try {
            KubernetesApi api = cluster.api();
            Set<String> live = new HashSet<>();
            for (ProjectEnvironment env : projects.allEnvironments()) {
                live.add(env.projectId());
                Map<String, String> data = new LinkedHashMap<>();
                for (EnvVar v : env.variables()) {
                    data.put(v.name(), v.value());
                }
                if (!data.equals(published.get(env.projectId()))) {
                    String ns = cluster.namespace(env.workspaceId(), env.projectId());
                    api.ensureNamespace(ns);
                    api.putSecret(ns, secretName(env.projectId()), data, Map.of(ROLE_LABEL, ROLE,
                            KubernetesCluster.WORKSPACE_ID_LABEL, env.workspaceId(), KubernetesCluster.PROJECT_ID_LABEL, env.projectId()));
                    published.put(env.projectId(), data);
                }
            }
            for (JsonObject secret : api.listEverywhere(ResourceKind.SECRET, KubernetesApi.MANAGED_BY_LABEL + "=" + KubernetesApi.MANAGED_BY
                    + "," + ROLE_LABEL + "=" + ROLE)) {
                String project = Json.string(secret, "metadata", "labels", KubernetesCluster.PROJECT_ID_LABEL).orElse(null);
                if (project != null && !live.contains(project)) {
                    api.delete(ResourceKind.SECRET, Json.string(secret, "metadata", "namespace").orElse(null),
                            Json.string(secret, "metadata", "name").orElse(null));
                    published.remove(project);
                    LOG.info(() -> "removed the environment Secret of deleted project " + project);
                }
            }
            lastFailure = null;
        } catch (RuntimeException e) {
            // the API server may be away for a while: say so once, try again at the next tick
            if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                LOG.log(Level.WARNING, "project environments not published: " + e.getMessage());
                lastFailure = String.valueOf(e.getMessage());
            }
        }
    }
}
