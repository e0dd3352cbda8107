/** {@code /api/v1/workspaces/{wsId}/databases}: seed 003's managed-database API, to the letter. */
package dev.strata.api.database;
