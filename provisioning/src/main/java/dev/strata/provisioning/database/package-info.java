/**
 * The databases feature: the {@link dev.strata.provisioning.database.Databases} application service (validation,
 * defaults, what a caller may see), its JPA repository and the allocation of server identities (ports, users).
 * It never touches a server: it changes the desired state and kicks the reconciler.
 */
package dev.strata.provisioning.database;
