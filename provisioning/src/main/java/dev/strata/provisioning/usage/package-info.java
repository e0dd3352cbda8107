/**
 * Usage history for the dashboard's charts: {@link dev.strata.provisioning.usage.UsageSampler} stores a figure only
 * when it changed (one transaction per tick for all of them) and prunes what is older than the retention;
 * {@link dev.strata.provisioning.usage.UsageHistory} turns samples, events and backups into series over a
 * {@link dev.strata.provisioning.usage.UsageRange}. The arithmetic lives in pure classes ({@link
 * dev.strata.provisioning.usage.ChangeOnly}, {@link dev.strata.provisioning.usage.SeriesMath}).
 */
package dev.strata.provisioning.usage;
