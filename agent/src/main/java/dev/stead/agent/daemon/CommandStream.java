package dev.stead.agent.daemon;

import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.client.MasterChannels;
import dev.stead.agent.client.MasterList;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.AgentCommand;
import dev.stead.proto.v1.CommandServiceGrpc;
import dev.stead.proto.v1.RunNow;
import dev.stead.proto.v1.SubscribeRequest;
import dev.stead.wire.CallFailures;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The daemon's one long-lived stream to the master ({@code CommandService.Subscribe}), over
 * the master's usual port and the node's own certificate (mutual TLS), on a background thread:
 * the master pushes "run now" down it, and each one goes to {@code onRun}. When the stream
 * ends (the master restarts, the network drops, the connection reaches its age limit) it dials
 * again after a backoff (1 s doubling to 60 s, with jitter; back to 1 s once subscribed).
 * With several masters ({@code --server a,b}) a stream that could not subscribe dials the next
 * master of the list at its next attempt; one that was subscribed dials the same master again
 * first (it may have restarted), then moves on the same way.
 * Until the node has its certificate (before its first run) it waits quietly. Idle it costs
 * one TCP connection, with a keepalive ping every 5 minutes so a dead master is noticed; the
 * daemon's runs to the same master use that connection too ({@link MasterChannels}).
 * Thread-safe; {@link #close} ends it.
 */
public final class CommandStream implements AutoCloseable {
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final MasterList masters;
  /** The master the stream dials next; only the stream's thread moves it. */
  private int next;
  private final SslFiles ssl;
  private final String certname;
  private final Consumer<RunNow> onRun;
  private final Consumer<String> log;
  private final Thread thread;
  private final MasterChannels channels;
  private final Object lock = new Object();
  private boolean closed;
  /** The call in progress, cancelled by {@link #close} (the channel is shared: it stays). */
  private ClientCallStreamObserver<SubscribeRequest> call;

  private CommandStream(MasterList masters, MasterChannels channels, SslFiles ssl,
      String certname, Consumer<RunNow> onRun, Consumer<String> log) {
    this.masters = Objects.requireNonNull(masters, "masters");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.ssl = Objects.requireNonNull(ssl, "ssl");
    this.certname = Objects.requireNonNull(certname, "certname");
    this.onRun = Objects.requireNonNull(onRun, "onRun");
    this.log = Objects.requireNonNull(log, "log");
    this.thread = new Thread(this::loop, "stead-command-stream");
    thread.setDaemon(true);
  }

  /**
   * Starts holding the stream.
   *
   * @param onRun called on the stream's thread for each "run now"; must not block
   * @param log one line per event worth a log line (subscribed, ended, reconnecting)
   */
  public static CommandStream start(MasterAddress master, MasterChannels channels,
      SslFiles ssl, String certname, Consumer<RunNow> onRun, Consumer<String> log) {
    return start(new MasterList(java.util.List.of(master)), channels, ssl, certname, onRun,
        log);
  }

  /** As above, through the masters of {@code masters} in turn. */
  public static CommandStream start(MasterList masters, MasterChannels channels, SslFiles ssl,
      String certname, Consumer<RunNow> onRun, Consumer<String> log) {
    CommandStream stream = new CommandStream(masters, channels, ssl, certname, onRun, log);
    stream.thread.start();
    return stream;
  }

  private void loop() {
    Duration backoff = FIRST_BACKOFF;
    while (!isClosed()) {
      Held held = holdOnce();
      if (isClosed()) {
        return;
      }
      if (held.subscribed()) {
        backoff = FIRST_BACKOFF;
      } else if (held.why() != null) {
        next = (next + 1) % masters.size(); // this one did not take it: try the next
      }
      long waitMs = backoff.toMillis() / 2
          + ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
      if (held.why() != null) {
        log.accept("the command stream to the master ended (" + held.why()
            + "); reconnecting in " + (waitMs < 1000 ? waitMs + " ms" : waitMs / 1000 + " s")
            + (masters.size() > 1 ? " to " + masters.get(next) : ""));
      }
      synchronized (lock) {
        try {
          if (!closed) {
            lock.wait(waitMs);
          }
        } catch (InterruptedException e) {
          return;
        }
      }
      if (held.why() != null) { // waiting for the certificate is no failure: no backoff
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
            : backoff.multipliedBy(2);
      }
    }
  }

  /**
   * How one stream ended: whether the master took it, and why it ended (null when it was never
   * tried: the node has no certificate yet).
   */
  private record Held(boolean subscribed, String why) {}

  private Held holdOnce() {
    MasterAddress address = masters.get(next);
    X509Certificate ca;
    PrivateKey key;
    X509Certificate certificate;
    try {
      if (!Files.exists(ssl.certificate())) {
        return new Held(false, null);
      }
      ca = Pem.readCertificate(ssl.ca());
      key = Pem.readPrivateKey(ssl.privateKey());
      certificate = Pem.readCertificate(ssl.certificate());
    } catch (IOException | RuntimeException e) {
      return new Held(false, "cannot read this node's certificate: " + e.getMessage());
    }
    ManagedChannel opened;
    try {
      opened = channels.channel(address, ca, key, certificate);
    } catch (RuntimeException e) {
      return new Held(false, e.getMessage());
    }
    // The channel outlives a stream that ended: when the master was away, gRPC waits out its
    // own reconnect backoff before dialing again; this loop's backoff is the one that counts.
    opened.resetConnectBackoff();
    CountDownLatch ended = new CountDownLatch(1);
    boolean[] subscribed = new boolean[1];
    String[] why = new String[1];
    @SuppressWarnings("unchecked")
    ClientCallStreamObserver<SubscribeRequest>[] starting = new ClientCallStreamObserver[1];
    try {
      CommandServiceGrpc.newStub(opened).subscribe(
          SubscribeRequest.newBuilder().setNode(certname).build(),
          new ClientResponseObserver<SubscribeRequest, AgentCommand>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SubscribeRequest> started) {
              starting[0] = started;
            }

            @Override
            public void onNext(AgentCommand command) {
              if (command.hasSubscribed()) {
                subscribed[0] = true;
                log.accept("subscribed to the master at " + address + " for runs on demand");
              } else if (command.hasRunNow()) {
                onRun.accept(command.getRunNow());
              }
            }

            @Override
            public void onError(Throwable t) {
              why[0] = t instanceof StatusRuntimeException s
                  ? CallFailures.describe(s, address.toString()) : t.toString();
              ended.countDown();
            }

            @Override
            public void onCompleted() {
              why[0] = "the master closed it";
              ended.countDown();
            }
          });
      // Only now may close() cancel it: gRPC has not started the call when beforeStart runs,
      // and it still sends the request after it; a cancel in between throws on this thread.
      synchronized (lock) {
        call = starting[0];
        if (closed) {
          call.cancel("the daemon is stopping", null);
        }
      }
      ended.await();
    } catch (RuntimeException e) { // e.g. the shared channel shut down as the daemon stops
      return new Held(false, "the call could not start: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      synchronized (lock) {
        if (call != null) {
          call.cancel("the stream's thread was interrupted", null);
        }
      }
    } finally {
      synchronized (lock) {
        call = null;
      }
    }
    return new Held(subscribed[0], why[0]);
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Ends the stream and its thread; waits briefly for the thread. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (call != null) {
        call.cancel("the daemon is stopping", null); // its observer hears CANCELLED
      }
      lock.notifyAll();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
