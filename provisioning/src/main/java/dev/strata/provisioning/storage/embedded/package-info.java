/**
 * The {@code embedded} object store: an S3-compatible endpoint inside Strata (s3proxy on its own port), files
 * under {@code STRATA_DATA_DIR/objects/projects/<project id>/}, each request's SigV4 signature checked against the
 * keys Strata minted, each project its own store.
 */
package dev.strata.provisioning.storage.embedded;
