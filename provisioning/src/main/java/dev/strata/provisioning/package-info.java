/**
 * Strata's application layer and its infrastructure: one service per feature ({@code Databases},
 * {@code ApiKeys}, ...), the reconciler that drives servers towards the desired state, the engine drivers
 * that run them, and the secrets service. Called by the API and the dashboard; knows nothing about HTTP or Faces.
 */
package dev.strata.provisioning;
