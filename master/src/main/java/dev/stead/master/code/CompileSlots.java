package dev.stead.master.code;

import dev.stead.dsl.Compiler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Bounds how many compiles run at once (by default one per core), so a burst of agents or
 * a runaway compile cannot take every thread of the master: a compile waits for a slot at
 * most {@code maxWait}, then fails with an error its node sees, and the agent retries on its
 * next run.
 *
 * <p>A slot is held for at most {@code deadline}, whatever the compile does. Each compile
 * runs on a thread of its own and is stopped by the language's time limit, which is shorter
 * than the deadline; should one not stop (code the sandbox failed to bound), its caller
 * stops waiting at the deadline, fails with an error, interrupts the thread again and frees
 * the slot, so the next node's compile runs. Such a thread is abandoned: counted in
 * {@link #runaways()} and logged until it ends. Thread-safe.
 */
public final class CompileSlots {
  private static final Logger LOG = Logger.getLogger(CompileSlots.class.getName());
  /** How long past the language's time limit a compile may hold its slot by default. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private final Semaphore slots;
  private final int size;
  private final Duration maxWait;
  private final Duration deadline;
  private final ExecutorService workers;
  private final AtomicInteger runaways = new AtomicInteger();

  /**
   * @param size compiles that may run at once (at least 1)
   * @param maxWait how long a compile may wait for a slot
   * @param deadline how long a compile may hold its slot (longer than the time limit)
   */
  public CompileSlots(int size, Duration maxWait, Duration deadline) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1, got " + size);
    }
    this.size = size;
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, got " + deadline);
    }
    this.slots = new Semaphore(size, true);
    this.workers = Executors.newCachedThreadPool(compileThreads());
  }

  /** As above, with the deadline of the language's default time limit. */
  public CompileSlots(int size, Duration maxWait) {
    this(size, maxWait, Compiler.DEFAULT_TIME_LIMIT.plus(GRACE));
  }

  /** One slot per available core, 30 s wait. */
  public static CompileSlots perCore() {
    return new CompileSlots(Runtime.getRuntime().availableProcessors(), Duration.ofSeconds(30));
  }

  private static ThreadFactory compileThreads() {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "stead-compile-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** How many compiles may run at once. */
  public int size() {
    return size;
  }

  /** Compiles that ran past their deadline and have not ended yet. */
  public int runaways() {
    return runaways.get();
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
      return runWithin(compile);
    } finally {
      slots.release();
    }
  }

  private CompileOutcome runWithin(Supplier<CompileOutcome> compile) {
    Watched watched = new Watched(compile);
    Future<CompileOutcome> running = workers.submit(watched::run);
    try {
      return running.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      running.cancel(true);
      if (watched.abandon()) {
        LOG.warning("a compile did not stop within " + deadline.toMillis() / 1000.0
            + " s; its slot was freed and its thread abandoned (" + runaways.get()
            + " still running)");
      }
      return CompileOutcome.failed("", "the compile did not stop within "
          + deadline.toMillis() / 1000.0 + " s and was abandoned; the master freed its slot");
    } catch (InterruptedException e) {
      running.cancel(true);
      Thread.currentThread().interrupt();
      return CompileOutcome.failed("", "the master stopped while this compile ran");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** A compile that knows whether its caller gave up on it, so it is counted until it ends. */
  private final class Watched {
    private final Supplier<CompileOutcome> compile;
    private boolean finished;
    private boolean abandoned;

    Watched(Supplier<CompileOutcome> compile) {
      this.compile = compile;
    }

    CompileOutcome run() {
      try {
        return compile.get();
      } finally {
        end();
      }
    }

    private synchronized void end() {
      finished = true;
      if (abandoned) {
        int left = runaways.decrementAndGet();
        LOG.info("an abandoned compile ended (" + left + " still running)");
      }
    }

    /** True when the compile was still running and is now counted as a runaway. */
    synchronized boolean abandon() {
      if (finished || abandoned) {
        return false;
      }
      abandoned = true;
      runaways.incrementAndGet();
      return true;
    }
  }
}
