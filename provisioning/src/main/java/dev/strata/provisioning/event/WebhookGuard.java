package dev.strata.provisioning.event;

import dev.strata.provisioning.config.Settings;
import dev.strata.provisioning.config.StrataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Set;
import java.util.logging.Logger;

/** The {@link UrlGuard} with this Strata's settings and ports, for webhook creation and each delivery. */
@ApplicationScoped
public class WebhookGuard {

    private static final Logger LOG = Logger.getLogger(WebhookGuard.class.getName());

    @Inject
    StrataConfig config;

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    private volatile Integer metadataPort;
    private volatile WebhookSettings settings;

    /**
     * The STRATA_WEBHOOK_* settings, parsed and checked at the first call (the webhook dispatcher's start) and kept: an
     * {@link IllegalStateException} naming a bad setting then fails the deployment, and every later reader gets the
     * checked values.
     */
    public WebhookSettings settings() {
        WebhookSettings s = settings;
        if (s == null) {
            s = WebhookSettings.read(Settings::get);
            settings = s;
        }
        return s;
    }

    /** Null when Strata may send to {@code uri} now, else why not. */
    public String refusal(URI uri) {
        Set<Integer> fixed = OwnPorts.configured(config.httpPort(), config.s3Port(), config.s3TlsPort(), metadataPort());
        Set<Integer> listening = OwnPorts.listening();
        WebhookSettings settings = settings(); // checked at start (WebhookDispatcher)
        UrlGuard guard = new UrlGuard(settings.allowedNetworks(), settings.allowControlPlane(),
                port -> OwnPorts.own(port, fixed, config.portRange(), listening), WebhookGuard::local, InetAddress::getAllByName);
        return guard.refusal(uri);
    }

    /** The metadata database's port: STRATA_METADATA_PORT, else what the server says it listens on. */
    private Integer metadataPort() {
        if (metadataPort == null) {
            metadataPort = config.metadataPort().orElseGet(() -> {
                try {
                    Object p = em.createNativeQuery("select inet_server_port()").getSingleResult();
                    return p == null ? null : ((Number) p).intValue();
                } catch (RuntimeException e) {
                    LOG.fine(() -> "the metadata server's port is unknown: " + e.getMessage());
                    return null;
                }
            });
        }
        return metadataPort;
    }

    /** Whether {@code a} is an address of this machine. */
    static boolean local(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
