/** Workspaces: reading them, and the JPA repository. */
package dev.strata.provisioning.workspace;
