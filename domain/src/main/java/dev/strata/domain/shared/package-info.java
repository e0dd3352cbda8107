/** Building blocks every feature uses: ids, domain exceptions with per-field errors. */
package dev.strata.domain.shared;
