/**
 * Strata's Prometheus series, served at {@code /metrics} by the dashboard's web module: one registry for the whole
 * EAR ({@link dev.strata.provisioning.metrics.Metrics}), counters and histograms fed by the reconciler and the API,
 * and gauges computed at scrape time from the metadata database (one grouped query each, never a driver call).
 * What belongs here: the series' names, labels and help texts, and the queries behind the scrape-time gauges.
 */
package dev.strata.provisioning.metrics;
