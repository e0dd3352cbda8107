/** Webhooks over HTTP: create (the secret shown once), list, read, delete, deliveries (see {@link dev.strata.provisioning.event.Webhooks}). */
package dev.strata.api.webhook;
