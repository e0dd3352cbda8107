package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bad STRATA_WEBHOOK_* setting fails the deployment when Strata starts, with a message that names the setting and
 * the form it takes (WebhookSettings, checked by the webhook dispatcher's start), instead of a 500 at webhook creation
 * or deliveries sent again and again later. The server is restarted with the bad value, then again as it was.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WebhookSettingsIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    @Test
    void aBadWebhookSettingStopsTheDeploymentNamingIt() throws Exception {
        Api api = Api.withBootstrapKey();
        assertThat(api.get("/api/v1/workspaces").status()).isEqualTo(200);
        ControlPlane.stop();
        long logFrom = Files.size(ControlPlane.serverLog());
        try {
            ControlPlane.startDomain(Map.of("STRATA_WEBHOOK_GIVE_UP_HOURS", "12"), Set.of());
            String expected = "STRATA_WEBHOOK_GIVE_UP_HOURS must be a whole number of hours, at least 24 (default 26); got 12";
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(since(logFrom)).contains(expected));
            // the application is not there: no API, and no answer from it that could be taken for one
            Api.Reply r = api.withoutContractCheck().get("/api/v1/workspaces");
            assertThat(r.status()).as(r.raw()).isEqualTo(404);
        } finally {
            ControlPlane.stop();
            ControlPlane.start();
        }
        assertThat(api.get("/api/v1/workspaces").status()).isEqualTo(200);
    }

    /** The server log written since {@code offset}. */
    private static String since(long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(ControlPlane.serverLog().toFile(), "r")) {
            long from = f.length() < offset ? 0 : offset; // rotated at the start: all of the new file
            byte[] b = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
