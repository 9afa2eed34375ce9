package dev.stead.master.storage;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes writes durable in groups, outside the store's write queue: a writer that needs its
 * write on disk writes it unsynced and then calls {@link #afterWrite}, which returns once one
 * sync of the log that began after the write has finished. One sync runs at a time and
 * covers every write made before it began, so a hundred reports waiting share one fsync.
 *
 * <p>Why not a synced write: RocksDB runs every write through one queue, and a write with
 * {@code sync} holds that queue for its fsync. On a busy disk an fsync takes milliseconds,
 * and every unsynced write behind it (a check-in's facts, a node's summary) waited for it:
 * with 100,000 nodes the master stored about 250 reports a second and its check-ins queued
 * behind them. A sync made here runs beside the writes, which go on meanwhile.
 */
final class WalGroupSync {
  /** Syncs the log: every write that returned before the call is on disk when it returns. */
  interface Syncer {
    void sync() throws Exception;
  }

  private final Syncer syncer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition synced = lock.newCondition();
  private long writes; // tickets handed out, one per write that wants to be durable
  private long durable; // every ticket up to this one is on disk
  private boolean syncing;
  private long syncs;

  WalGroupSync(Syncer syncer) {
    this.syncer = syncer;
  }

  /**
   * Returns once a write that returned before this call is on disk: the calling thread runs
   * the sync if none is running, else waits for the one after the running one (which may
   * have begun before the write).
   *
   * @throws IllegalStateException when the sync failed: the write may not be on disk
   */
  void afterWrite() {
    lock.lock();
    try {
      long ticket = ++writes;
      while (durable < ticket) {
        if (syncing) {
          synced.awaitUninterruptibly();
          continue;
        }
        syncing = true;
        long covers = writes; // every write holding a ticket up to here has returned
        boolean ok = false;
        lock.unlock();
        try {
          syncer.sync();
          ok = true;
        } catch (Exception e) {
          throw new IllegalStateException("syncing the store's log to disk failed", e);
        } finally {
          lock.lock();
          syncing = false;
          if (ok) {
            durable = Math.max(durable, covers);
            syncs++;
          }
          synced.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Syncs run so far (for tests and the metrics: reports per sync). */
  long syncs() {
    lock.lock();
    try {
      return syncs;
    } finally {
      lock.unlock();
    }
  }
}
