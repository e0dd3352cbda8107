/**
 * Scale to zero for local databases: the front door that holds a slept database's port and wakes it on a client's
 * connection, and idle sleep (a project's {@code autoSleepMinutes}).
 */
package dev.strata.provisioning.wake;
