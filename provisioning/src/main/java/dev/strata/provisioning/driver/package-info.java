/** Engine drivers: the {@code EngineDrivers} registry that picks the driver for an engine by configuration. */
package dev.strata.provisioning.driver;
