/**
 * Object storage: S3-compatible buckets of a project, the project's storage credentials, and the port
 * ({@link dev.strata.domain.storage.ObjectStoreBackend}) that an object store implements.
 */
package dev.strata.domain.storage;
