/** Backing beans of the views under {@code /projects/}. */
package dev.strata.web.projects;
