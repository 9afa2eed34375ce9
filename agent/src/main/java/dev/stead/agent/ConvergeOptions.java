package dev.stead.agent;

import dev.stead.agent.engine.Transaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to converge: {@code root} is where managed paths live ({@code /} is the real machine;
 * anything else re-bases every managed path under it), {@code stateDir} holds the agent's own
 * state and backups (never under the root), {@code noop} checks without changing anything,
 * {@code resourceTimeout} is how long one resource may take before it fails as timed out.
 */
public record ConvergeOptions(Path root, Path stateDir, boolean noop, Duration resourceTimeout) {
  public ConvergeOptions {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(resourceTimeout, "resourceTimeout");
    if (resourceTimeout.isNegative() || resourceTimeout.isZero()) {
      throw new IllegalArgumentException("resourceTimeout must be positive, got "
          + resourceTimeout);
    }
  }

  /** With the default per-resource timeout ({@link Transaction#DEFAULT_TIMEOUT}). */
  public ConvergeOptions(Path root, Path stateDir, boolean noop) {
    this(root, stateDir, noop, Transaction.DEFAULT_TIMEOUT);
  }

  /** {@code stateDir/state/last_run.pb}: what drift detection compares against. */
  public Path stateFile() {
    return stateDir.resolve("state").resolve("last_run.pb");
  }

  /** {@code stateDir/state/digests.memo}: content digests of the last catalog (a cache). */
  public Path digestMemoFile() {
    return stateDir.resolve("state").resolve("digests.memo");
  }

  /** {@code stateDir/backup}: replaced file content, by sha256. */
  public Path backupDir() {
    return stateDir.resolve("backup");
  }
}
