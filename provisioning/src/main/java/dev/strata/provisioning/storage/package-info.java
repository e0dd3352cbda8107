/**
 * Object storage: the {@code Buckets} service (bucket names, per-project keys minted and revoked by Strata, stored
 * sealed), its JPA repository, and the object-store backends behind {@code ObjectStoreBackend}.
 */
package dev.strata.provisioning.storage;
