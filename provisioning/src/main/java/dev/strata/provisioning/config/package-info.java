/** Configuration from the environment (MicroProfile Config) and the metadata data source it selects. */
package dev.strata.provisioning.config;
