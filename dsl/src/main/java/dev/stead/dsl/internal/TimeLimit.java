package dev.stead.dsl.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on the calling thread and interrupts that thread if the task outlives its
 * limit, or allocates more memory than its bound. Compiled Stead code checks the interrupt
 * flag in every loop, method and closure (the ThreadInterrupt transformation), so runaway
 * code stops there. The interrupt never leaks: the flag this class set is cleared before
 * {@link #run} returns. Thread-safe.
 *
 * <p>The memory bound counts the bytes the thread allocated since the task started (the
 * JVM's per-thread allocation counter), not what it still holds: a compile that builds a
 * gigabyte of strings is stopped even if each one passed the sandbox's size bounds, long
 * before it could take the master's heap. The watchdog samples the counter every
 * {@value #SAMPLE_MILLIS} ms, so a compile can overshoot by what it allocates in that time.
 */
public final class TimeLimit {
  /** Why a task was stopped. */
  public enum Stop { NONE, TIME, MEMORY }

  static final long SAMPLE_MILLIS = 20;

  /**
   * One daemon thread for all compiles: a compile costs a queued alarm, not a thread.
   * Cancelled alarms leave the queue at once; otherwise every finished compile would stay
   * queued (holding its thread) until its limit passed, thousands at a high compile rate.
   */
  private static final ScheduledExecutorService WATCHDOG = watchdog();
  private static final com.sun.management.ThreadMXBean THREADS = threads();
  /** The guard of the task running on this thread, for {@link #stopReason}. */
  private static final ThreadLocal<Guard> CURRENT = new ThreadLocal<>();

  private TimeLimit() {}

  private static ScheduledExecutorService watchdog() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "stead-compile-watchdog");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /** The JVM's allocation counters, or null where this JVM has none. */
  private static com.sun.management.ThreadMXBean threads() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
        && t.isThreadAllocatedMemorySupported()) {
      t.setThreadAllocatedMemoryEnabled(true);
      return t;
    }
    return null;
  }

  /** Runs {@code task}; returns true when the limit was hit and the thread was interrupted. */
  public static boolean run(Duration limit, Runnable task) {
    return run(limit, Long.MAX_VALUE, task) != Stop.NONE;
  }

  /** Runs {@code task} under both bounds; says which one stopped it, if any. */
  public static Stop run(Duration limit, long maxAllocatedBytes, Runnable task) {
    Thread worker = Thread.currentThread();
    boolean counting = maxAllocatedBytes < Long.MAX_VALUE && THREADS != null;
    Guard guard = new Guard(worker, System.nanoTime() + limit.toNanos(),
        counting ? THREADS.getCurrentThreadAllocatedBytes() : 0, maxAllocatedBytes);
    ScheduledFuture<?> alarm = counting
        ? WATCHDOG.scheduleWithFixedDelay(guard::sample, SAMPLE_MILLIS, SAMPLE_MILLIS,
            TimeUnit.MILLISECONDS)
        : WATCHDOG.schedule(() -> guard.fire(Stop.TIME), limit.toNanos(),
            TimeUnit.NANOSECONDS);
    Guard outer = CURRENT.get();
    CURRENT.set(guard);
    try {
      task.run();
    } finally {
      alarm.cancel(false);
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
    return guard.finish();
  }

  /**
   * On the thread of a task being stopped: why ({@link Stop#NONE} when it is not), so the
   * error can say "time limit" or "memory bound".
   */
  public static Stop stopReason() {
    Guard guard = CURRENT.get();
    return guard == null ? Stop.NONE : guard.reason();
  }

  /** Serialises "fire" and "finish" so an interrupt is either delivered and cleared, or never sent. */
  private static final class Guard {
    private final Thread worker;
    private final long deadlineNanos;
    private final long allocatedAtStart;
    private final long maxAllocatedBytes;
    private boolean done;
    private Stop fired = Stop.NONE;

    Guard(Thread worker, long deadlineNanos, long allocatedAtStart, long maxAllocatedBytes) {
      this.worker = worker;
      this.deadlineNanos = deadlineNanos;
      this.allocatedAtStart = allocatedAtStart;
      this.maxAllocatedBytes = maxAllocatedBytes;
    }

    void sample() {
      if (System.nanoTime() - deadlineNanos >= 0) {
        fire(Stop.TIME);
      } else if (THREADS.getThreadAllocatedBytes(worker.getId()) - allocatedAtStart
          > maxAllocatedBytes) {
        fire(Stop.MEMORY);
      }
    }

    synchronized void fire(Stop why) {
      if (!done && fired == Stop.NONE) {
        fired = why;
        worker.interrupt();
      }
    }

    synchronized Stop reason() {
      return fired;
    }

    synchronized Stop finish() {
      done = true;
      if (fired != Stop.NONE) {
        Thread.interrupted();
      }
      return fired;
    }
  }
}
