package dev.stead.master.rpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * Sits on the listening channel and sees every accepted connection before TLS or HTTP/2 is
 * set up on it: a connection over the per-address or total limit is closed at once, and so is
 * one that arrives while the TLS handshakes already under way are more than the handshake
 * threads can finish in time (its client dials again after gRPC's backoff, instead of waiting
 * in a queue until the handshake time limit closes it with its work wasted); one that has not
 * finished its TLS handshake in time is closed then. Counts drop when a
 * connection closes, however it closes. Thread-safe; one instance per server.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(ConnectionGate.class.getName());
  private static final long REFUSAL_LOG_INTERVAL_MS = 60_000;

  private final ConnectionLimits limits;
  private final java.util.function.BooleanSupplier handshakesBacklogged;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress =
      new ConcurrentHashMap<>();
  private final ConnectionCounts counts;
  private volatile long lastRefusalLogMs;

  /**
   * @param handshakesBacklogged true while no new handshake should start
   * @param counts where accepted and open connections are counted
   */
  ConnectionGate(ConnectionLimits limits,
      java.util.function.BooleanSupplier handshakesBacklogged, ConnectionCounts counts) {
    this.limits = limits;
    this.handshakesBacklogged = handshakesBacklogged;
    this.counts = counts;
  }

  /** Open connections, for tests. */
  int open() {
    return counts.open();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (!(message instanceof Channel child)) {
      ctx.fireChannelRead(message);
      return;
    }
    InetAddress address = addressOf(child.remoteAddress());
    counts.acceptedOne();
    if (handshakesBacklogged.getAsBoolean()) {
      child.unsafe().closeForcibly();
      logBacklog();
      return;
    }
    if (!admit(address)) {
      child.unsafe().closeForcibly();
      logRefusal(address);
      return;
    }
    child.closeFuture().addListener(f -> {
      release(address);
      logFailedHandshake(child);
    });
    // On the listener's loop: the new connection has no loop of its own yet.
    ctx.executor().schedule(() -> closeUnlessHandshaken(child),
        limits.handshake().toMillis(), TimeUnit.MILLISECONDS);
    ctx.fireChannelRead(child);
  }

  private boolean admit(InetAddress address) {
    if (!counts.openOne(limits.total())) {
      return false;
    }
    AtomicInteger count = byAddress.compute(address, (a, c) -> {
      AtomicInteger counter = c == null ? new AtomicInteger() : c;
      counter.incrementAndGet();
      return counter;
    });
    if (count.get() > limits.perAddress()) {
      release(address);
      return false;
    }
    return true;
  }

  private void release(InetAddress address) {
    counts.closedOne();
    byAddress.computeIfPresent(address, (a, c) -> c.decrementAndGet() <= 0 ? null : c);
  }

  private static void closeUnlessHandshaken(Channel child) {
    SslHandler tls = child.pipeline().get(SslHandler.class);
    if (child.isOpen() && (tls == null || !tls.handshakeFuture().isSuccess())) {
      child.close();
    }
  }

  /**
   * A connection whose TLS handshake failed (a certificate from another CA, a client that
   * does not speak TLS 1.3) is an authentication failure the gRPC layer never sees: named
   * here with the peer's address. Runs when the connection closes, while its handlers are
   * still in place.
   */
  private static void logFailedHandshake(Channel child) {
    SslHandler tls = child.pipeline().get(SslHandler.class);
    if (tls == null || !tls.handshakeFuture().isDone() || tls.handshakeFuture().isSuccess()) {
      return;
    }
    Throwable cause = tls.handshakeFuture().cause();
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof SSLException tlsError) {
        LOG.warning(() -> "authentication failed peer=" + Peer.of(child.remoteAddress())
            + " TLS handshake: " + tlsError.getMessage());
        return;
      }
    }
  }

  private void logRefusal(InetAddress address) {
    long now = System.currentTimeMillis();
    if (now - lastRefusalLogMs >= REFUSAL_LOG_INTERVAL_MS) {
      lastRefusalLogMs = now;
      LOG.warning("refusing connections from " + address.getHostAddress() + ": at most "
          + limits.perAddress() + " per address and " + limits.total()
          + " in all are kept open (logged at most once a minute)");
    }
  }

  private void logBacklog() {
    long now = System.currentTimeMillis();
    if (now - lastRefusalLogMs >= REFUSAL_LOG_INTERVAL_MS) {
      lastRefusalLogMs = now;
      LOG.warning("the master is busy: refusing new connections while the TLS handshakes "
          + "under way are more than it can finish in time; clients dial again (logged at "
          + "most once a minute)");
    }
  }

  private static InetAddress addressOf(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress();
    }
    return InetAddress.getLoopbackAddress();
  }
}
