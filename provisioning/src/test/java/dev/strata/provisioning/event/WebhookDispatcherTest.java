package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookDispatcher#send}: whatever goes wrong before the request is sent, the claimed delivery's attempt is
 * recorded as failed (and so retried and given up in time), never left pending for ever.
 */
class WebhookDispatcherTest {

    private final List<String> finished = new ArrayList<>();

    private WebhookDispatcher dispatcher(WebhookGuard guard) {
        WebhookDispatcher d = new WebhookDispatcher();
        d.guard = guard;
        d.steps = new DeliverySteps() {
            @Override
            public void finish(String deliveryId, String holder, Integer statusCode, String error, Duration retryBase, Duration giveUpAfter) {
                finished.add(deliveryId + " " + statusCode + " " + error + " " + retryBase + " " + giveUpAfter);
            }
        };
        d.settings = WebhookSettings.read(name -> Optional.empty());
        return d;
    }

    private static DeliverySteps.Send delivery(String url) {
        return new DeliverySteps.Send("dlv_1", "wh_1", "evt_1", "DATABASE_CREATED", url, "whsec_test", "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGuardThatThrowsMakesTheAttemptFailRatherThanLeavingTheDeliveryClaimed() {
        WebhookGuard throwing = new WebhookGuard() {
            @Override
            public String refusal(URI uri) {
                throw new NumberFormatException("For input string: \"54x\"");
            }
        };

        dispatcher(throwing).send(delivery("http://127.0.0.1:9/hook"));

        assertThat(finished).containsExactly("dlv_1 null not sent: NumberFormatException: For input string: \"54x\" PT10S PT26H");
    }

    @Test
    void aRefusedUrlIsAFailedAttemptSayingWhy() {
        WebhookGuard refusing = new WebhookGuard() {
            @Override
            public String refusal(URI uri) {
                return "the URL's host is a loopback address";
            }
        };

        dispatcher(refusing).send(delivery("http://127.0.0.1:9/hook"));

        assertThat(finished).containsExactly("dlv_1 null not sent: the URL's host is a loopback address PT10S PT26H");
    }
}
