/**
 * The REST API under {@code /api/v1}: JAX-RS resources per feature, their DTOs and assemblers, bearer-key
 * authentication and RFC 9457 problem+json errors. Resources call the provisioning services; entities never
 * leave this layer as JSON (assemblers turn them into DTOs).
 */
package dev.strata.api;
