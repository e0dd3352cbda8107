/** {@code /metrics}: Strata's Prometheus series, served next to the dashboard without a sign-in. */
package dev.strata.web.metrics;
