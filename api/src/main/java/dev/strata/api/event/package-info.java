/**
 * Events and webhooks over HTTP: the workspace's event log ({@link dev.strata.provisioning.event.EventLog}) and its
 * webhooks. DTOs and assemblers only; the rules live in provisioning.
 */
package dev.strata.api.event;
