/** Bearer-key authentication of every API request and the request's caller. */
package dev.strata.api.auth;
