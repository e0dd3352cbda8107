/** {@code /api/v1/projects}: projects, their lifecycle and their managed environment (seed 000). */
package dev.strata.api.project;
