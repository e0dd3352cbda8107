/** MicroProfile Health checks of the control plane itself (served by Payara at {@code /health}). */
package dev.strata.provisioning.health;
