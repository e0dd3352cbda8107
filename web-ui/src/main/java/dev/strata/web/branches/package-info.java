/** Point-in-time restore and branches in the dashboard: the recovery window, Branch, the branch list, Reset from parent. */
package dev.strata.web.branches;
