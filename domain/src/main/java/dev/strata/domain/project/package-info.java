/** Projects: a group of databases and buckets inside a workspace, slept and torn down together. */
package dev.strata.domain.project;
