/**
 * The HTTP edge: a Payara Server add-on (installed into the domain's {@code lib/}, configured in domain.xml; not part
 * of the EAR) whose Grizzly filters answer what the server refuses before any application runs with
 * {@code application/problem+json}, as the API answers everything else.
 */
package dev.strata.edge;
