/**
 * Backups in the dashboard: a database's backups, their timeline with the recovery window, the policy and the
 * confirmed in-place restore, and the workspace's backups (deleted databases' too) with GET filters and paging.
 */
package dev.strata.web.backups;
