/**
 * Strata's certificate authority: one per installation, its key sealed like other secrets; it signs the server
 * certificates of local databases so that clients can verify them against one CA file ({@code ca.pem}).
 */
package dev.strata.provisioning.tls;
