/** API keys: issuing, hashing, authenticating, and the first workspace's bootstrap key. */
package dev.strata.provisioning.auth;
