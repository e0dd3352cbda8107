/**
 * The reconciler: level-triggered like a Kubernetes operator. For every database it compares desired and observed
 * state, asks the engine driver to converge, and records what it observed. Runs on a timer (which is also the
 * health check) and right after every committed change; safe to kill at any point. One Strata instance acts at a
 * time when several share the metadata database (a lease row).
 */
package dev.strata.provisioning.reconcile;
