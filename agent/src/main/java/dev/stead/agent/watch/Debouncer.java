package dev.stead.agent.watch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Collapses a burst of changes into one check: changes collect until none came for
 * {@code quiet}, or until {@code maxWait} passed since the first of them (so a file rewritten
 * without pause is still checked). While changes go on without a pause, each longest wait is
 * twice the one before (up to {@link #MAX_BACKOFF} times {@code maxWait}), so a writer that
 * never stops costs a few checks, not one a second; the first pause resets it. A kernel queue overflow, or more distinct paths than
 * {@link #MAX_PATHS}, turns the batch into "everything". Times are {@link System#nanoTime}
 * values passed in, so the logic can be tested without sleeping. Thread-safe.
 */
public final class Debouncer {
  /** Beyond this many distinct paths a batch checks everything rather than grow. */
  static final int MAX_PATHS = 10_000;
  /** The longest wait grows to at most this many times {@code maxWait}. */
  static final int MAX_BACKOFF = 8;

  /** What to check: the changed paths, or every watched resource. Immutable. */
  public record Batch(Set<Path> paths, boolean everything) {
    public Batch {
      paths = Set.copyOf(paths);
    }
  }

  private final long quietNanos;
  private final long maxWaitNanos;
  /** The longest wait of the batch being collected. */
  private long waitNanos;
  private final Set<Path> paths = new HashSet<>();
  private boolean everything;
  private boolean pending;
  private long firstNanos;
  private long lastNanos;

  public Debouncer(Duration quiet, Duration maxWait) {
    if (quiet.isNegative() || maxWait.compareTo(quiet) < 0) {
      throw new IllegalArgumentException("need 0 <= quiet <= maxWait, got " + quiet + ", "
          + maxWait);
    }
    this.quietNanos = quiet.toNanos();
    this.maxWaitNanos = maxWait.toNanos();
    this.waitNanos = maxWaitNanos;
  }

  /** {@code path} changed at {@code nowNanos}. */
  public synchronized void touched(Path path, long nowNanos) {
    mark(nowNanos);
    if (!everything) {
      paths.add(path);
      if (paths.size() > MAX_PATHS) {
        everything();
      }
    }
  }

  /** Changes were lost (the kernel's queue overflowed): the batch checks everything. */
  public synchronized void overflowed(long nowNanos) {
    mark(nowNanos);
    everything();
  }

  private void everything() {
    everything = true;
    paths.clear();
  }

  private void mark(long nowNanos) {
    if (!pending) {
      pending = true;
      firstNanos = nowNanos;
    }
    lastNanos = nowNanos;
  }

  /** When the pending batch is due; {@link Long#MAX_VALUE} when nothing is pending. */
  public synchronized long dueAtNanos() {
    if (!pending) {
      return Long.MAX_VALUE;
    }
    return Math.min(lastNanos + quietNanos, firstNanos + waitNanos);
  }

  /** The batch when it is due at {@code nowNanos} (and starts a new one), else null. */
  public synchronized Batch takeIfDue(long nowNanos) {
    if (!pending || nowNanos - dueAtNanos() < 0) {
      return null;
    }
    Batch batch = new Batch(paths, everything);
    boolean stillChanging = nowNanos - (lastNanos + quietNanos) < 0;
    waitNanos = stillChanging ? Math.min(waitNanos * 2, maxWaitNanos * MAX_BACKOFF)
        : maxWaitNanos;
    clear();
    return batch;
  }

  /** Forgets what is pending (a full run is about to check everything anyway). */
  public synchronized void clear() {
    paths.clear();
    everything = false;
    pending = false;
  }
}
