/** Backing beans of the views under {@code /databases/}. */
package dev.strata.web.databases;
