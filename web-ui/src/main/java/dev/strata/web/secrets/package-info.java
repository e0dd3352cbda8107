/**
 * Secrets on request: the dashboard's pages carry only references ({@link dev.strata.web.secrets.SecretRef}) and
 * Reveal/Copy fetch the value from {@link dev.strata.web.secrets.RevealServlet}, behind the session, a per-session
 * token and a same-origin check.
 */
package dev.strata.web.secrets;
