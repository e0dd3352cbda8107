/** Dashboard sign-in: Jakarta Security custom form authentication against Strata's users, and the current caller. */
package dev.strata.web.security;
