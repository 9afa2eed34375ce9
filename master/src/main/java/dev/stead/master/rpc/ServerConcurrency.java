package dev.stead.master.rpc;

/**
 * How many threads serve the master's gRPC port, and how many catalog requests that need a
 * compile may be in its hands at once. Every bound is fixed, so an overload shows as queued
 * work and fast refusals, never as thousands of threads.
 *
 * <p>Handshake threads run the TLS handshakes' key exchanges and signatures (gRPC hands a
 * handshake's delegated tasks to the server's executor) and gRPC's lookup of each call's
 * method: pure CPU, a few milliseconds each, so about as many as the cores. They are apart
 * from the call threads so that a handshake never waits behind reports and passes the
 * handshake time limit; while more handshake work waits than they finish in time
 * ({@link #handshakeBacklog}), new connections are refused at once.
 *
 * <p>Call threads run every service's handlers but the reports'. Their work is short and
 * mostly CPU (a check-in's facts written, one answered from the compile cache's digest, a
 * file sent); some of them at a time wait on the store or on one of the PostgreSQL store's 8
 * connections. So they are a small multiple of the cores, never one per waiting request: a
 * call that arrives while all are busy waits in their queue, whose length the connection
 * limits and the calls allowed per connection bound.
 *
 * <p>Report threads run {@code SubmitReport}. A report is on disk before it is acknowledged,
 * and the embedded store syncs the reports written meanwhile together (one fsync for all
 * that wait), so report threads mostly wait for a sync: the more wait, the more each sync
 * carries. A shared store's reports wait on its connection pool instead, so they get fewer
 * ({@link #forSharedStore}). Apart, reports arriving faster than the disk syncs them queue
 * among themselves and never hold the check-ins up.
 *
 * <p>A catalog request that needs a compile leaves its call thread for the catalog queue
 * ({@link CatalogQueue}): a few threads of its own and a bounded queue in front. A request
 * is refused at once with UNAVAILABLE ("the master is busy") when the queue holds
 * {@code catalogQueue} requests, or when those waiting would take longer than
 * {@code catalogWait} at the recent pace: a bound in time fits catalogs of any size, the
 * count bounds the memory. Check-ins answered without a compile and reports never wait
 * behind compiles.
 *
 * @param handshakeThreads threads running TLS handshakes' tasks and method lookups
 * @param callThreads threads running the services' handlers, the reports' aside
 * @param reportThreads threads storing reports
 * @param catalogThreads threads running the compiling part of catalog requests
 * @param catalogQueue catalog requests that may wait for one of those threads
 * @param catalogWait how long the waiting requests may take to be worked off
 */
public record ServerConcurrency(int handshakeThreads, int callThreads, int reportThreads,
    int catalogThreads, int catalogQueue, java.time.Duration catalogWait) {
  /** Report threads of a master on its embedded store. */
  public static final int REPORT_THREADS = 32;
  /** Report threads of a master on a shared store. */
  public static final int SHARED_STORE_REPORT_THREADS = 4;

  public ServerConcurrency {
    positive("handshakeThreads", handshakeThreads);
    positive("callThreads", callThreads);
    positive("reportThreads", reportThreads);
    positive("catalogThreads", catalogThreads);
    if (catalogQueue < 0) {
      throw new IllegalArgumentException(
          "catalogQueue must not be negative, got " + catalogQueue);
    }
    java.util.Objects.requireNonNull(catalogWait, "catalogWait");
    if (catalogWait.isNegative() || catalogWait.isZero()) {
      throw new IllegalArgumentException("catalogWait must be positive, got " + catalogWait);
    }
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }

  /**
   * How many handshake tasks may wait for a handshake thread before new connections are
   * refused at once: 32 a thread (a TLS 1.3 handshake hands over two or three tasks of a few
   * milliseconds), so what waits is done in well under a second on a free machine and within
   * the 10 s handshake limit on a busy one. Clients dial again after gRPC's backoff.
   */
  public int handshakeBacklog() {
    return 32 * handshakeThreads;
  }

  /** {@link #forCores} of this machine's available cores. */
  public static ServerConcurrency defaults() {
    return forCores(Runtime.getRuntime().availableProcessors());
  }

  /**
   * For {@code cores} cores: 2 handshake threads a core, at least 4; 4 call threads a core,
   * at least 16 (enough to keep the cores busy while some wait on the store);
   * {@value #REPORT_THREADS} report threads (an fsync of a busy disk takes milliseconds: as
   * many reports as wait share it, so 32 make thousands a second); 2 catalog
   * threads a core (the compile slots are one a core: the other half stores and sends the
   * catalogs compiled meanwhile); at most 256 queued catalog requests a core, and no more
   * than 10 s of work: a third of the agent's 30 s deadline, so a request let in is answered
   * in time even when the pace drops meanwhile.
   */
  public static ServerConcurrency forCores(int cores) {
    int n = Math.max(1, cores);
    return new ServerConcurrency(Math.max(4, 2 * n), Math.max(16, 4 * n), REPORT_THREADS,
        2 * n, 256 * n, java.time.Duration.ofSeconds(10));
  }

  /**
   * These bounds for a master on a shared (PostgreSQL) store: at most
   * {@value #SHARED_STORE_REPORT_THREADS} report threads, since each holds one of the pool's
   * 8 connections while it writes and check-ins need the others.
   */
  public ServerConcurrency forSharedStore() {
    return new ServerConcurrency(handshakeThreads, callThreads,
        Math.min(reportThreads, SHARED_STORE_REPORT_THREADS), catalogThreads, catalogQueue,
        catalogWait);
  }
}
