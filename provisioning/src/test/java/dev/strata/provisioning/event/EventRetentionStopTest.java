package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.provisioning.config.StrataConfig;
import dev.strata.provisioning.reconcile.Reconciler;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link EventRetention#stop}: a batch under way ends (its transaction with it) before the stop returns. */
class EventRetentionStopTest {

    @Test
    void aStopWaitsForTheBatchUnderWay() throws Exception {
        CountDownLatch inBatch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean batchEnded = new AtomicBoolean();
        EventRetention retention = new EventRetention();
        retention.threads = new ManagedThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                return Executors.defaultThreadFactory().newThread(r);
            }

            @Override
            public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
                return ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            }
        };
        retention.reconciler = new Reconciler() {
            @Override
            public boolean leader() {
                return true;
            }
        };
        retention.config = new StrataConfig() {
            @Override
            public Duration eventRetentionInterval() {
                return Duration.ofMillis(10);
            }
        };
        retention.steps = new RetentionSteps() {
            @Override
            public int finishedDeliveries(Instant before, int max) {
                inBatch.countDown();
                // as a JDBC call, deaf to the interrupt of shutdownNow()
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        interrupted.set(true); // the stop has begun; the batch carries on
                    }
                }
                batchEnded.set(true);
                return 0;
            }

            @Override
            public int events(Instant before, int max) {
                return 0;
            }
        };
        retention.start();
        assertThat(inBatch.await(10, TimeUnit.SECONDS)).isTrue();

        Thread releaser = new Thread(() -> {
            await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
            release.countDown();
        });
        releaser.start();
        retention.stop();

        assertThat(batchEnded).isTrue();
        releaser.join();
    }
}
