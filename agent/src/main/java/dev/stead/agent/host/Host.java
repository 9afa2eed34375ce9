package dev.stead.agent.host;

/**
 * The narrow door through which resource types reach the operating system beyond files:
 * running commands, and asking which init system booted it. Files are reached through
 * {@link dev.stead.agent.fs.RootedPaths}, never through here. {@link SystemHost} is the real
 * one; unit tests use an in-memory host. Implementations are thread-safe.
 */
public interface Host {
  /**
   * Runs {@code command} to completion or its timeout. Never throws for the command's own
   * trouble (not found, non-zero exit, timeout): that is in the result.
   */
  CommandResult run(Command command);

  /** True when systemd is the running init system (as {@code sd_booted()} decides). */
  boolean systemdRunning();
}
