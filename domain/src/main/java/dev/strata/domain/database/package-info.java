/**
 * Databases: the value objects a database is described with ({@link dev.strata.domain.database.Engine},
 * {@link dev.strata.domain.database.Slug}, {@link dev.strata.domain.database.CpuQuantity},
 * {@link dev.strata.domain.database.MemoryQuantity}, {@link dev.strata.domain.database.StorageSize}), its
 * status state machine ({@link dev.strata.domain.database.DatabaseStatus}), and, as they are added, the
 * database entity, its repository port and the engine driver port that provisioning implements.
 * Every value object validates on construction and names the broken field and the received value in its
 * message, so an invalid one can never exist; nothing here runs processes or speaks HTTP.
 */
package dev.strata.domain.database;
