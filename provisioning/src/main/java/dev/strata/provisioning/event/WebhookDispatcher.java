package dev.strata.provisioning.event;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends webhook deliveries: every STRATA_WEBHOOK_DISPATCH_MS (a ticker thread of its own) and right after an event with deliveries committed, it
 * claims the due ones ({@link DeliverySteps#claim}) and POSTs each on a small pool of its own (never a reconciler
 * worker), with no transaction open during the call; the outcome is recorded afterwards. A delivery is marked
 * succeeded only after a 2xx; one whose sender died is claimed again when its lease runs out (at least once).
 */
@Singleton
@Startup
@DependsOn("MetadataUpgrade")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class.getName());
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Longer than a send can take (connect and answer, 10 s each) so that a live sender is never overtaken. */
    static final Duration LEASE = Duration.ofSeconds(60);
    static final int SENDERS = 4;
    static final String USER_AGENT = "Strata-Webhooks/1";

    @Resource
    ManagedScheduledExecutorService timer;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    DeliverySteps steps;

    @Inject
    WebhookGuard guard;

    private final Semaphore free = new Semaphore(SENDERS);
    private final AtomicBoolean kicked = new AtomicBoolean();
    /** One tick at a time; a tick that finds one running is skipped (the next one comes within the interval). */
    private final ReentrantLock ticking = new ReentrantLock();
    private ThreadPoolExecutor senders;
    private HttpClient http;
    private String holder;
    private ScheduledExecutorService ticker;
    WebhookSettings settings;

    @PostConstruct
    void start() {
        // the STRATA_WEBHOOK_* settings are checked here, once: a bad one fails the deployment, naming it, rather than
        // every delivery (lost after the give-up time) or every webhook create (a 500) later
        settings = guard.settings();
        holder = "strata-" + UUID.randomUUID();
        senders = new ThreadPoolExecutor(SENDERS, SENDERS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SENDERS), threads);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        long every = settings.dispatchInterval().toMillis();
        // each instance of Strata ticks for itself; the claims keep them from sending a delivery twice. A thread of
        // its own, not an EJB timer: Payara's EJB timer service keeps its (here empty) store in an embedded H2
        // database whose lock file a killed server leaves behind, and waited seconds for it at every start after a
        // crash. No transaction is open during a tick (the claim has its own, short one).
        ticker = Executors.newSingleThreadScheduledExecutor(threads);
        ticker.scheduleWithFixedDelay(this::tickQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** A tick that never throws: an exception would end the schedule. */
    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "webhook dispatch tick failed", e);
        }
    }

    @PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (senders != null) {
            senders.shutdownNow();
        }
    }

    /** An event with deliveries committed: look for due deliveries now rather than at the next tick. */
    public void recorded(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventRecorded event) {
        kick();
    }

    /** A tick soon, on the scheduler's thread (never the caller's); kicks while one is pending coalesce. */
    private void kick() {
        if (kicked.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    kicked.set(false);
                    tick();
                });
            } catch (RuntimeException e) {
                kicked.set(false);
            }
        }
    }

    void tick() {
        if (!ticking.tryLock()) {
            return;
        }
        try {
            int slots = free.availablePermits();
            if (slots == 0) {
                return;
            }
            for (DeliverySteps.Send s : steps.claim(holder, slots, LEASE)) {
                free.acquireUninterruptibly();
                try {
                    senders.execute(() -> {
                        try {
                            send(s);
                        } finally {
                            free.release();
                        }
                    });
                } catch (RuntimeException e) {
                    free.release(); // shutting down: the lease runs out and another tick sends it
                }
            }
        } catch (RuntimeException e) {
            // the metadata database may be briefly unreachable; the next tick tries again
            LOG.log(Level.FINE, "webhook dispatch failed: " + e.getMessage());
        } finally {
            ticking.unlock();
        }
    }

    /**
     * One attempt at {@code s}, whose outcome is always recorded: anything that goes wrong before the request is sent
     * (a URL the guard refuses, or an exception from the guard's settings or its query) is the attempt's error, so a
     * claimed delivery is retried and given up as any failed one, never left pending for ever.
     */
    void send(DeliverySteps.Send s) {
        Integer status = null;
        String error = null;
        HttpRequest request = null;
        try {
            URI uri = URI.create(s.url());
            String refused = guard.refusal(uri);
            if (refused != null) {
                error = "not sent: " + refused;
            } else {
                long t = Instant.now().getEpochSecond();
                request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .header("User-Agent", USER_AGENT)
                        .header("Strata-Event-Id", s.eventId())
                        .header("Strata-Event-Type", s.eventType())
                        .header("Strata-Delivery-Id", s.deliveryId())
                        .header(WebhookSignature.HEADER, WebhookSignature.header(s.secret(), t, s.body()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(s.body())).build();
            }
        } catch (RuntimeException e) {
            error = "not sent: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            LOG.log(Level.WARNING, "webhook delivery " + s.deliveryId() + " was not sent (it is retried): " + error);
        }
        if (request != null) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
                if (status < 200 || status >= 300) {
                    error = "the receiver answered " + status;
                }
            } catch (HttpTimeoutException e) {
                error = "no answer within " + TIMEOUT.toSeconds() + " s";
            } catch (IOException e) {
                error = "the request failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // shutting down: the lease runs out and the delivery is sent again
            }
        }
        if (error != null) {
            String why = error;
            LOG.fine(() -> "webhook delivery " + s.deliveryId() + " to " + s.webhookId() + " failed: " + why);
        }
        try {
            steps.finish(s.deliveryId(), holder, status, error, settings.retryBase(), settings.giveUpAfter());
            kick(); // the next delivery of the same database may be waiting for this one
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "webhook delivery " + s.deliveryId() + ": the outcome was not recorded (it is sent again): " + e.getMessage());
        }
    }
}
