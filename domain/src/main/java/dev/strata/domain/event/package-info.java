/**
 * The event log: what happened to a workspace's projects, databases and backups ({@link dev.strata.domain.event.Event},
 * one row per fact, never changed), and the webhooks that receive those events
 * ({@link dev.strata.domain.event.Webhook}, {@link dev.strata.domain.event.WebhookDelivery}: the outbox).
 */
package dev.strata.domain.event;
