package dev.strata.provisioning.storage.embedded;

import dev.strata.domain.storage.StorageKey;
import dev.strata.provisioning.secrets.SecretBox;
import dev.strata.provisioning.storage.JpaStorageRepository;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;

/** Starts the embedded S3 endpoint with the application and lets every active project key in again. */
@Singleton
@Startup
public class ObjectStoreStartup {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ObjectStoreStartup.class.getName());

    @Inject
    EmbeddedObjectStore store;

    @Inject
    JpaStorageRepository storage;

    @Inject
    SecretBox secrets;

    @PostConstruct
    void start() {
        try {
            store.start();
        } catch (IllegalStateException e) {
            // databases keep working; bucket calls answer 422 with this reason
            LOG.severe(e.getMessage());
            return;
        }
        for (StorageKey k : storage.allActiveKeys()) {
            store.grant(k.projectId(), k.accessKeyId(), secrets.open(k.secretSealed()));
        }
    }
}
