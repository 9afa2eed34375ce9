package dev.stead.agent;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to converge: {@code root} is where managed paths live ({@code /} is the real machine;
 * anything else re-bases every managed path under it), {@code stateDir} holds the agent's own
 * state and backups (never under the root), {@code noop} checks without changing anything.
 */
public record ConvergeOptions(Path root, Path stateDir, boolean noop) {
  public ConvergeOptions {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(stateDir, "stateDir");
  }

  /** {@code stateDir/state/last_run.json}: what drift detection compares against. */
  public Path stateFile() {
    return stateDir.resolve("state").resolve("last_run.json");
  }

  /** {@code stateDir/backup}: replaced file content, by sha256. */
  public Path backupDir() {
    return stateDir.resolve("backup");
  }
}
