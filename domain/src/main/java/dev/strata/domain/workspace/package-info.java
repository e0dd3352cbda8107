/** Workspaces: the tenant boundary. Every key, project and database belongs to exactly one. */
package dev.strata.domain.workspace;
