/** Configuration from the environment (MicroProfile Config). */
package dev.strata.provisioning.config;
