package dev.strata.provisioning.storage.embedded;

import dev.strata.provisioning.storage.Buckets;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.inject.Inject;

/**
 * Starts the embedded S3 endpoint with the application. Its request threads are s3proxy's, not the server's: the
 * key look-up they make runs with the application's context (a contextual proxy), so it may use the metadata.
 */
@Singleton
@Startup
@DependsOn("MetadataUpgrade")
public class ObjectStoreStartup {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ObjectStoreStartup.class.getName());

    @Inject
    EmbeddedObjectStore store;

    @Inject
    Buckets buckets;

    @Resource
    ContextService context;

    @Resource
    jakarta.enterprise.concurrent.ManagedThreadFactory threads;

    /**
     * A thread of its own rather than an EJB timer (whose service keeps an embedded H2 store that a killed server
     * leaves locked: seconds of waiting at every start after a crash).
     */
    private java.util.concurrent.ScheduledExecutorService ticker;

    /** Applies the buckets' lifecycle rules (expiration, noncurrent versions, unfinished uploads); never throws. */
    void lifecycle() {
        try {
            int removed = store.applyLifecycle();
            if (removed > 0) {
                LOG.info(() -> "lifecycle rules removed " + removed + " objects, versions or uploads");
            }
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "applying the buckets' lifecycle rules failed; trying again at the next interval", e);
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    @PostConstruct
    void start() {
        long every = store.lifecycleIntervalSeconds() * 1000;
        ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(threads);
        ticker.scheduleWithFixedDelay(this::lifecycle, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        KeyDirectory directory = accessKeyId -> buckets.usableKey(accessKeyId).map(g -> new KeyDirectory.Entry(g.secret(), g.projectId()));
        try {
            store.migrateLayout();
            store.sweepUnrecorded(buckets::recorded);
            BucketRegistry registry = new BucketRegistry() {
                @Override
                public boolean created(String projectId, String bucket) {
                    return buckets.recordCreatedThroughS3(projectId, bucket);
                }

                @Override
                public void deleted(String projectId, String bucket) {
                    buckets.forgetDeletedThroughS3(projectId, bucket);
                }

                @Override
                public dev.strata.domain.storage.StorageQuota quota(String projectId) {
                    return buckets.quotaOf(projectId);
                }
            };
            store.start(context.createContextualProxy(directory, KeyDirectory.class),
                    context.createContextualProxy(registry, BucketRegistry.class));
        } catch (IllegalStateException e) {
            // databases keep working; bucket calls answer 422 with this reason
            LOG.severe(e.getMessage());
        }
    }
}
