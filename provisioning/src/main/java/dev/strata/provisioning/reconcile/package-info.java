/**
 * The reconciler: level-triggered like a Kubernetes operator. For every database it compares desired and observed
 * state, asks the engine driver to converge, and records what it observed (written only when it changed). Work is
 * driven by changes (committed API changes, a one-query look for unfinished work every tick, exits of watched
 * server processes) with a slow full resync as the safety net and health check; safe to kill at any point (its
 * first pass after a start works on everything). One Strata instance acts at a time when several share the
 * metadata database (a lease row, written only to take it or to renew it).
 */
package dev.strata.provisioning.reconcile;
