/** The dashboard: Faces views under {@code src/main/webapp} and their backing beans, mirrored by path. */
package dev.strata.web;
