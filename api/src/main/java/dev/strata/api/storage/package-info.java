/** {@code /api/v1/storage/buckets} (seed 000) and a project's S3 keys. */
package dev.strata.api.storage;
