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

    @Inject
    EmbeddedObjectStore store;

    @Inject
    JpaStorageRepository storage;

    @Inject
    SecretBox secrets;

    @PostConstruct
    void start() {
        store.start();
        for (StorageKey k : storage.allActiveKeys()) {
            store.grant(k.projectId(), k.accessKeyId(), secrets.open(k.secretSealed()));
        }
    }
}
