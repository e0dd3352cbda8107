/**
 * {@code STRATA_DRIVER=kubernetes}: each database is an operator's custom resource (CloudNativePG, mariadb-operator,
 * OpsTree Redis, Percona MongoDB) written through the official client ({@code io.kubernetes:client-java}). Strata
 * only writes resources and reads their status; the operators run the servers.
 */
package dev.strata.provisioning.driver.kubernetes;
