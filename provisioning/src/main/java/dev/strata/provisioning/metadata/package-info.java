/**
 * Strata's own metadata database: the data source the application declares, and, in the default setup, the
 * PostgreSQL server Strata runs for it in the data directory (durable: a commit is on disk before the API answers).
 */
package dev.strata.provisioning.metadata;
