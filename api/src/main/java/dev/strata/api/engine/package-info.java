/** {@code /api/v1/engines}: which engines and versions this host offers. */
package dev.strata.api.engine;
