package dev.stead.master.rpc;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gRPC port's connections as the {@link ConnectionGate} sees them: how many it accepted
 * since the master started (each a TCP connection and, unless refused at once, a TLS handshake)
 * and how many are open. Exported as metrics: accepted connections per check-in tell whether
 * agents reuse their connections. Thread-safe.
 */
public final class ConnectionCounts {
  private final LongAdder accepted = new LongAdder();
  private final AtomicInteger open = new AtomicInteger();

  /** Connections accepted since start, refused ones included. */
  public long accepted() {
    return accepted.sum();
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  void acceptedOne() {
    accepted.increment();
  }

  /** Counts one more open connection unless that makes more than {@code limit}. */
  boolean openOne(int limit) {
    if (open.incrementAndGet() > limit) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  void closedOne() {
    open.decrementAndGet();
  }
}
