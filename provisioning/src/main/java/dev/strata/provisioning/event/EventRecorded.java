package dev.strata.provisioning.event;

/** Fired (CDI) when an event with webhook deliveries was recorded; observed after the commit to send them at once. */
public record EventRecorded(String eventId) {
}
