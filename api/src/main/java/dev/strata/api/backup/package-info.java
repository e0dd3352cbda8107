/** Backups over HTTP: policies, backups, restores (see {@link dev.strata.provisioning.backup.Backups}). */
package dev.strata.api.backup;
