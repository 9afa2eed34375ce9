package dev.stead.master.rpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A gRPC server together with the Netty event loops and the executors it was built on,
 * which it shuts down once the server has terminated, and what else the port needs closed as it
 * stops (closed at the first shutdown). gRPC shares its default loops among servers; the
 * master brings its own because its listening channel carries the {@link ConnectionGate}.
 */
final class LoopOwningServer extends Server {
  private static final Logger LOG = Logger.getLogger(LoopOwningServer.class.getName());
  private final Server delegate;
  private final List<EventLoopGroup> loops;
  private final List<ExecutorService> executors;
  private final List<AutoCloseable> atShutdown;
  private final AtomicBoolean releasing = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();

  LoopOwningServer(Server delegate, List<EventLoopGroup> loops,
      List<ExecutorService> executors, List<AutoCloseable> atShutdown) {
    this.delegate = delegate;
    this.loops = List.copyOf(loops);
    this.executors = List.copyOf(executors);
    this.atShutdown = List.copyOf(atShutdown);
  }

  @Override
  public Server start() throws IOException {
    try {
      delegate.start();
    } catch (IOException | RuntimeException e) {
      delegate.shutdownNow();
      closeAtShutdown();
      releaseLoopsWhenTerminated();
      throw e;
    }
    return this;
  }

  @Override
  public int getPort() {
    return delegate.getPort();
  }

  @Override
  public List<? extends SocketAddress> getListenSockets() {
    return delegate.getListenSockets();
  }

  @Override
  public List<ServerServiceDefinition> getServices() {
    return delegate.getServices();
  }

  @Override
  public List<ServerServiceDefinition> getImmutableServices() {
    return delegate.getImmutableServices();
  }

  @Override
  public List<ServerServiceDefinition> getMutableServices() {
    return delegate.getMutableServices();
  }

  @Override
  public Server shutdown() {
    delegate.shutdown();
    closeAtShutdown();
    releaseLoopsWhenTerminated();
    return this;
  }

  @Override
  public Server shutdownNow() {
    delegate.shutdownNow();
    // The calls are cancelled: what still waits for a thread is dropped.
    executors.forEach(ExecutorService::shutdownNow);
    closeAtShutdown();
    releaseLoopsWhenTerminated();
    return this;
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  /** Terminated once gRPC is and no handler runs or waits on the executors any more. */
  @Override
  public boolean isTerminated() {
    return delegate.isTerminated()
        && executors.stream().allMatch(ExecutorService::isTerminated);
  }

  /**
   * Waits for gRPC to terminate, then for the handlers still running or queued on the
   * executors: a cancelled call's handler may still be writing to the store, which the caller
   * closes next.
   */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (!delegate.awaitTermination(timeout, unit)) {
      return false;
    }
    for (ExecutorService executor : executors) {
      executor.shutdown();
      if (!executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    delegate.awaitTermination();
    for (ExecutorService executor : executors) {
      executor.shutdown();
      executor.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }
  }

  private void closeAtShutdown() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    for (AutoCloseable closeable : atShutdown) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing " + closeable + " as the port stops failed", e);
      }
    }
  }

  private void releaseLoopsWhenTerminated() {
    if (!releasing.compareAndSet(false, true)) {
      return;
    }
    Thread releaser = new Thread(() -> {
      try {
        delegate.awaitTermination();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      loops.forEach(loop -> loop.shutdownGracefully(0, 2, TimeUnit.SECONDS));
      executors.forEach(ExecutorService::shutdown);
    }, "stead-grpc-loops-release");
    releaser.setDaemon(true);
    releaser.start();
  }
}
