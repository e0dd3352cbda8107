/** Encryption of stored secrets (database passwords, later S3 secrets) and generation of strong random ones. */
package dev.strata.provisioning.secrets;
