/**
 * Integration tests: the built EAR deployed on Payara Server by Arquillian (managed container, its own domain and
 * ports), metadata in PostgreSQL, real database servers started by the local driver. Tests talk HTTP to the API
 * exactly as a client would, and look at processes and files on this host to check what the API claims.
 */
package dev.strata.it;
