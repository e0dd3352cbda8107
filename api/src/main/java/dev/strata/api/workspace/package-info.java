/** {@code /api/v1/workspaces}: the workspaces an API key sees. */
package dev.strata.api.workspace;
