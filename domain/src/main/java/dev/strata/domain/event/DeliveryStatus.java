package dev.strata.domain.event;

import java.util.Locale;

/** Where a webhook delivery is: {@code pending} (to be sent, or sent again), {@code succeeded} (a 2xx), {@code failed} (given up). */
public enum DeliveryStatus {
    PENDING, SUCCEEDED, FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
