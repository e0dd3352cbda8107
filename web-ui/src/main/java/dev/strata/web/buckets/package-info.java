/** Backing bean of {@code buckets/index.xhtml}. */
package dev.strata.web.buckets;
