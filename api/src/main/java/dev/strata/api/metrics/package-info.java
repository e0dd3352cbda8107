/**
 * The API's request metrics: every request answered by the API (including errors mapped to problem+json) is
 * counted in {@code strata_http_server_requests_seconds} under its route template, never its raw path.
 */
package dev.strata.api.metrics;
