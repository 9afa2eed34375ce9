/**
 * What operators ask of the fleet's history: report queries, drift and audit trails,
 * compliance over time, retention of old reports, and backups of the master's state.
 * Everything here reads the {@link dev.stead.master.storage.Store}; nothing holds state of
 * its own beyond a schedule.
 */
package dev.stead.master.fleet;
