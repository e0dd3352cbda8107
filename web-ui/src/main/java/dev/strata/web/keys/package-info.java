/** Backing bean of {@code keys/index.xhtml}. */
package dev.strata.web.keys;
