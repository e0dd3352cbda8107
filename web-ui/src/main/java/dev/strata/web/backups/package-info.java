/** Backups in the dashboard: a database's backups and policy, and the workspace's backups (deleted databases' too). */
package dev.strata.web.backups;
