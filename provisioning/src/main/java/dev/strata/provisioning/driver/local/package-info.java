/**
 * The {@code local} driver: each database is a dedicated server process on this host under
 * {@code STRATA_DATA_DIR/instances/<db id>/}, run as an unprivileged account when Strata runs as root, detached
 * so it outlives the control plane, and adopted again (never started twice) when Strata comes back.
 */
package dev.strata.provisioning.driver.local;
