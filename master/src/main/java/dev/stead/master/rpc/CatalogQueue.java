package dev.stead.master.rpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Where catalog requests that need a compile wait: a few threads of their own and a bounded
 * queue in front of them ({@link ServerConcurrency}). A request handed over leaves its gRPC
 * call thread at once, so waiting for a compile costs a queue entry, not a thread; one that
 * finds the queue full, or the requests before it longer to work off than the wait allowed
 * at the recent pace, is refused at once ({@link #busy}) rather than held for the 30 s an
 * agent waits. A request whose caller left (deadline passed, call cancelled) while it waited
 * is dropped unanswered: nobody would read the catalog. Thread-safe.
 */
public final class CatalogQueue implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CatalogQueue.class.getName());
  /** gRPC's trailer for "retry after so many milliseconds" (its retry policy reads it). */
  static final Metadata.Key<String> RETRY_PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);
  /** At most one log line a minute about refusals. */
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ThreadPoolExecutor threads;
  private final int size;
  private final int capacity;
  private final long maxWaitNanos;
  /** Mean time a request holds a catalog thread, smoothed (nanoseconds; 0 until known). */
  private final AtomicLong meanNanos = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong refusedLogged = new AtomicLong();
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  private CatalogQueue(int size, int capacity, java.time.Duration maxWait) {
    this.size = size;
    this.capacity = capacity;
    this.maxWaitNanos = maxWait.toNanos();
    AtomicInteger count = new AtomicInteger();
    // No thread is kept while there is nothing to compile; SynchronousQueue when the
    // queue's capacity is 0 would also do, ArrayBlockingQueue needs at least 1.
    this.threads = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS,
        capacity == 0 ? new java.util.concurrent.SynchronousQueue<>()
            : new ArrayBlockingQueue<>(capacity),
        r -> {
          Thread t = new Thread(r, "stead-catalog-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    threads.allowCoreThreadTimeOut(true);
  }

  /** {@code concurrency}'s catalog threads and queue. */
  public static CatalogQueue of(ServerConcurrency concurrency) {
    return new CatalogQueue(concurrency.catalogThreads(), concurrency.catalogQueue(),
        concurrency.catalogWait());
  }

  /**
   * Hands {@code work} (the rest of the current call) to a catalog thread, in the current
   * gRPC context. Empty when a catalog thread will run it; otherwise the queue is full, holds
   * more work than the wait allowed, or is closed, and the answer is the refusal to give the
   * caller ({@link #busy}), worded with what waited at the moment of refusal: an idle thread
   * may take a queued request just after, and the message must not depend on that race.
   */
  public Optional<StatusRuntimeException> submit(Runnable work) {
    Context context = Context.current();
    int waiting = waiting();
    if (workOffNanos(waiting + 1) > maxWaitNanos) {
      return Optional.of(refuse(waiting));
    }
    try {
      threads.execute(() -> {
        if (context.isCancelled()) {
          return;
        }
        long start = System.nanoTime();
        try {
          context.run(work);
        } finally {
          long took = System.nanoTime() - start;
          meanNanos.updateAndGet(mean -> mean == 0 ? took : mean + (took - mean) / 8);
        }
      });
      return Optional.empty();
    } catch (RejectedExecutionException e) {
      // Rejected because the queue was full (or the pool closed): it held its capacity.
      return Optional.of(refuse(threads.isShutdown() ? waiting() : capacity));
    }
  }

  /** Counts a refusal, logs refusals at most once a minute, and words the answer. */
  private StatusRuntimeException refuse(int waiting) {
    refused.incrementAndGet();
    logRefusals();
    return busy(waiting);
  }

  /**
   * The answer to a request the queue did not take: UNAVAILABLE (an agent with several
   * masters tries the next one; with one, it keeps its cached catalog until its next run),
   * saying what waits and about when the queue will have room, which the
   * {@code grpc-retry-pushback-ms} trailer carries too.
   */
  private StatusRuntimeException busy(int waiting) {
    long retryMs = retryAfterMillis(waiting);
    Metadata trailers = new Metadata();
    trailers.put(RETRY_PUSHBACK_MS, Long.toString(retryMs));
    return Status.UNAVAILABLE.withDescription("the master is busy: " + waiting
        + " catalog requests wait for a compile (" + size + " at a time); retry in about "
        + Math.max(1, (retryMs + 999) / 1000) + " s")
        .asRuntimeException(trailers);
  }

  /** Requests waiting for a catalog thread now. */
  public int waiting() {
    return threads.getQueue().size();
  }

  /** How many requests were refused since the start. */
  public long refused() {
    return refused.get();
  }

  /** When the requests queued now are worked off, at the recent pace (1 s at least). */
  private long retryAfterMillis(int waiting) {
    return Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(workOffNanos(waiting + size)));
  }

  /** How long {@code requests} take on the catalog threads at the recent pace. */
  private long workOffNanos(long requests) {
    return meanNanos.get() * requests / size;
  }

  private void logRefusals() {
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= LOG_EVERY_NANOS && lastLogNanos.compareAndSet(last, now)) {
      long total = refused.get();
      long since = total - refusedLogged.getAndSet(total);
      LOG.warning("the master is busy: " + since + " catalog requests refused since the last "
          + "such line (" + capacity + " or " + TimeUnit.NANOSECONDS.toSeconds(maxWaitNanos)
          + " s of work may wait for " + size + " catalog threads; the "
          + "agents keep their cached catalogs and come back at their next run)");
    }
  }

  /** Drops what still waits and waits up to 5 s for the requests being compiled. */
  @Override
  public void close() {
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
