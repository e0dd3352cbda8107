/**
 * Events and webhooks: {@link dev.strata.provisioning.event.EventLog} records what happened in the caller's
 * transaction and answers the event queries; webhooks (their outbox, dispatcher, signing and SSRF guard) live here too.
 */
package dev.strata.provisioning.event;
