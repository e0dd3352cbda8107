/**
 * Usage history: small samples of figures Strata observes anyway (storage a database uses, its client connections,
 * a project's object storage bytes, a workspace's databases per status), kept for the dashboard's charts. A sample
 * is stored only when its figure changed, so a control plane at rest writes nothing.
 */
package dev.strata.domain.usage;
