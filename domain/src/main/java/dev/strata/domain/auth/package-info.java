/** API keys: bearer credentials of a workspace, stored only as hashes. */
package dev.strata.domain.auth;
