/** The dashboard's usage charts: view records of the usage history and the bean the chart includes read. */
package dev.strata.web.usage;
