/**
 * Point-in-time restore and branches in the dashboard: the recovery window, Branch (from now, a backup or a moment),
 * the confirmed point-in-time restore, the branch tree, Reset from parent.
 */
package dev.strata.web.branches;
