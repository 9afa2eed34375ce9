package dev.stead.master.code;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds how many compiles run at once (by default one per core), so a burst of agents or
 * a runaway compile cannot take every thread of the master: a compile waits for a slot at
 * most {@code maxWait}, then fails with an error its node sees, and the agent retries on its
 * next run. Each compile is itself stopped by the language's time limit, so a slot is never
 * held for longer than that. Thread-safe.
 */
public final class CompileSlots {
  private final Semaphore slots;
  private final int size;
  private final Duration maxWait;

  /**
   * @param size compiles that may run at once (at least 1)
   * @param maxWait how long a compile may wait for a slot
   */
  public CompileSlots(int size, Duration maxWait) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, got " + size);
    }
    this.size = size;
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    this.slots = new Semaphore(size, true);
  }

  /** One slot per available core, 30 s wait. */
  public static CompileSlots perCore() {
    return new CompileSlots(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(30));
  }

  /** Runs {@code compile} in a slot, or fails once no slot came free in time. */
  public CompileOutcome run(Supplier<CompileOutcome> compile) {
    boolean acquired;
    try {
      acquired = slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompileOutcome.failed("", "the master stopped while this compile waited");
    }
    if (!acquired) {
      return CompileOutcome.failed("", "the master is busy: all " + size
          + " compile slots stayed taken for " + maxWait.toSeconds() + " s; try again later");
    }
    try {
      return compile.get();
    } finally {
      slots.release();
    }
  }
}
