/** What the dashboard shows of the event log: view records built from events (views never see the entities). */
package dev.strata.web.events;
