package dev.stead.dsl.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on the calling thread and interrupts that thread if the task outlives its
 * limit. Compiled Stead code checks the interrupt flag in every loop, method and closure
 * (the ThreadInterrupt transformation), so runaway code stops there. The interrupt never
 * leaks: the flag this class set is cleared before {@link #run} returns. Thread-safe.
 */
public final class TimeLimit {
  /**
   * One daemon thread for all compiles: a compile costs a queued alarm, not a thread.
   * Cancelled alarms leave the queue at once; otherwise every finished compile would stay
   * queued (holding its thread) until its limit passed, thousands at a high compile rate.
   */
  private static final ScheduledExecutorService WATCHDOG = watchdog();

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

  /** Runs {@code task}; returns true when the limit was hit and the thread was interrupted. */
  public static boolean run(Duration limit, Runnable task) {
    Thread worker = Thread.currentThread();
    Guard guard = new Guard(worker);
    ScheduledFuture<?> alarm =
        WATCHDOG.schedule(guard::fire, limit.toNanos(), TimeUnit.NANOSECONDS);
    try {
      task.run();
    } finally {
      alarm.cancel(false);
    }
    return guard.finish();
  }

  /** Serialises "fire" and "finish" so an interrupt is either delivered and cleared, or never sent. */
  private static final class Guard {
    private final Thread worker;
    private boolean done;
    private boolean fired;

    Guard(Thread worker) {
      this.worker = worker;
    }

    synchronized void fire() {
      if (!done) {
        fired = true;
        worker.interrupt();
      }
    }

    synchronized boolean finish() {
      done = true;
      if (fired) {
        Thread.interrupted();
      }
      return fired;
    }
  }
}
