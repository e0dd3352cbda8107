/**
 * Projects: creating and tearing them down, sleeping and waking them with their databases, and the managed
 * environment variables ({@code DATABASE_URL}, later {@code STORAGE_*}) an application reads.
 */
package dev.strata.provisioning.project;
