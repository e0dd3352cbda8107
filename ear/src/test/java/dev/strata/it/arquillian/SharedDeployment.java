package dev.strata.it.arquillian;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.jboss.arquillian.container.spi.event.DeployDeployment;
import org.jboss.arquillian.container.spi.event.UnDeployDeployment;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.EventContext;

/**
 * One deployment of the EAR for the whole integration-test run instead of one per test class.
 *
 * <p>Every IT class deploys the same, unchanged EAR ({@code Deployments.strataEar()}, {@code testable = false}); Arquillian
 * would undeploy it after each class and deploy it again before the next, which cost about 15 s a class (the
 * application stopping its servers' supervision and loading again) and, at 30+ classes, a sixth of the CI budget.
 * Here the first class's deployment proceeds and later ones of the same archive to the same container are skipped;
 * undeployment is skipped too (the domain is created afresh by {@code strata it-setup} at every run, and a class that
 * restarts the server finds the EAR deployed in it, as {@code ControlPlane.start()} documents). Tests already share one
 * data directory and metadata database, so nothing they rely on changes. {@code -Dit.shared.deployment=false} brings
 * back a deployment per class.
 */
public class SharedDeployment {

    private static final Logger LOG = Logger.getLogger(SharedDeployment.class.getName());
    private static final Set<String> DEPLOYED = ConcurrentHashMap.newKeySet();

    private static boolean shared() {
        return !"false".equals(System.getProperty("it.shared.deployment"));
    }

    private static String key(DeployDeployment e) {
        return e.getContainerName() + "/" + e.getDeployment().getDescription().getArchive().getName();
    }

    public void deploy(@Observes EventContext<DeployDeployment> ctx) {
        if (!shared()) {
            ctx.proceed();
            return;
        }
        String key = key(ctx.getEvent());
        if (!DEPLOYED.add(key)) {
            LOG.fine(() -> key + " is deployed already: shared by this test class");
            return;
        }
        try {
            ctx.proceed();
        } catch (RuntimeException | Error e) {
            DEPLOYED.remove(key);
            throw e;
        }
    }

    public void undeploy(@Observes EventContext<UnDeployDeployment> ctx) {
        if (!shared()) {
            ctx.proceed();
        }
        // else: stays deployed for the next class; the run's domain is discarded by the next `strata it-setup`
    }
}
