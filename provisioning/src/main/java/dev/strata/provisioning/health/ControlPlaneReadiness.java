package dev.strata.provisioning.health;

import dev.strata.domain.workspace.WorkspaceRepository;
import dev.strata.provisioning.storage.embedded.EmbeddedObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the metadata database answers; reports whether the S3 endpoint runs (storage is optional) and, in local
 * mode, which host limits fall short of what the port range allows ({@code hostCapacity}, see HostCapacityCheck).
 */
@Readiness
@ApplicationScoped
public class ControlPlaneReadiness implements HealthCheck {

    @Inject
    WorkspaceRepository workspaces;

    @Inject
    EmbeddedObjectStore objectStore;

    @Inject
    dev.strata.provisioning.driver.local.HostCapacityCheck capacity;

    @Override
    @Transactional
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("strata");
        try {
            response.withData("workspaces", workspaces.count()).up();
        } catch (RuntimeException e) {
            response.withData("metadata", "unreachable: " + e.getClass().getSimpleName()).down();
        }
        String storage = objectStore.unavailableReason();
        response.withData("objectStorage", storage == null ? "running" : storage);
        if (capacity.checked()) {
            // information, not a reason to be taken out of service: a host short of a limit holds fewer databases
            var shortfalls = capacity.findings();
            response.withData("hostCapacity", shortfalls.isEmpty() ? "ok" : "short of "
                    + String.join(", ", shortfalls.stream().map(f -> f.what()).toList()) + " (see the server log)");
        }
        return response.build();
    }
}
