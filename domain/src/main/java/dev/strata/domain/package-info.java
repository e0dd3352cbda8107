/**
 * The Strata domain: what a workspace, project, database and API key are, the rules they obey
 * (value objects that validate on construction, the database status state machine), the exceptions
 * that name a broken rule, and the ports (repositories, engine drivers) that other modules implement.
 * Nothing here knows about HTTP, Faces, processes or files.
 */
package dev.strata.domain;
