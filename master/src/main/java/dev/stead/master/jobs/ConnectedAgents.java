package dev.stead.master.jobs;

import dev.stead.proto.v1.AgentCommand;
import dev.stead.proto.v1.RunNow;
import dev.stead.proto.v1.Subscribed;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.security.cert.X509Certificate;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The agents whose command stream this master holds now, by node name: one stream per node
 * (a node that subscribes again, e.g. after a network blip the master has not noticed yet,
 * replaces its old stream). A stream whose certificate has been revoked or has expired since
 * it opened counts as gone: it is ended ({@code UNAUTHENTICATED}) when next asked for, since
 * the per-call certificate check does not reach a call that stays open. Thread-safe; each
 * stream is written under its own lock, as a gRPC stream may be written by one thread at a
 * time.
 */
public final class ConnectedAgents implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ConnectedAgents.class.getName());

  private final Map<String, Stream> streams = new ConcurrentHashMap<>();
  private final List<Consumer<String>> onConnect = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> onDisconnect = new CopyOnWriteArrayList<>();
  private final Predicate<X509Certificate> refused;

  /** {@code refused}: true for a certificate revoked or expired now; asked at each use. */
  public ConnectedAgents(Predicate<X509Certificate> refused) {
    this.refused = Objects.requireNonNull(refused, "refused");
  }

  /** One held stream. */
  public static final class Stream {
    private final String node;
    private final X509Certificate certificate;
    private final StreamObserver<AgentCommand> observer;
    private boolean ended;

    private Stream(String node, X509Certificate certificate,
        StreamObserver<AgentCommand> observer) {
      this.node = node;
      this.certificate = certificate;
      this.observer = observer;
    }

    /** False when the stream has ended (the command was not sent). */
    private synchronized boolean send(AgentCommand command) {
      if (ended) {
        return false;
      }
      try {
        observer.onNext(command);
        return true;
      } catch (RuntimeException e) { // cancelled underneath us: the agent is gone
        ended = true;
        return false;
      }
    }

    private synchronized void end(Status status) {
      if (ended) {
        return;
      }
      ended = true;
      try {
        if (status.isOk()) {
          observer.onCompleted();
        } else {
          observer.onError(status.asRuntimeException());
        }
      } catch (RuntimeException e) {
        // already cancelled by the client: nothing left to end
      }
    }

    private synchronized void ended() {
      ended = true;
    }
  }

  /**
   * {@code listener} hears the name of each node whose stream is held, before the agent is
   * told it is subscribed; it may take as long as one write to the store.
   */
  public void onConnect(Consumer<String> listener) {
    onConnect.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * {@code listener} hears the name of each node whose stream ends; it may take as long as one
   * write to the store.
   */
  public void onDisconnect(Consumer<String> listener) {
    onDisconnect.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Holds {@code observer} as {@code node}'s stream, opened with {@code certificate}, ending
   * the one it replaces, and tells the agent it is subscribed.
   */
  public Stream connect(String node, X509Certificate certificate,
      StreamObserver<AgentCommand> observer) {
    Stream stream = new Stream(node, certificate, observer);
    Stream old = streams.put(node, stream);
    if (old != null) {
      old.end(Status.ABORTED.withDescription("replaced by a newer stream of " + node));
    }
    onConnect.forEach(l -> l.accept(node));
    stream.send(AgentCommand.newBuilder().setSubscribed(Subscribed.getDefaultInstance())
        .build());
    LOG.info(() -> "agent stream open node=" + node + (old != null ? " (replacing one)" : ""));
    return stream;
  }

  /** The agent left (cancelled, or the connection broke): forgets {@code stream}. */
  public void disconnected(Stream stream) {
    stream.ended();
    if (streams.remove(stream.node, stream)) {
      LOG.info(() -> "agent stream closed node=" + stream.node);
      onDisconnect.forEach(l -> l.accept(stream.node));
    }
  }

  public boolean isConnected(String node) {
    Stream stream = streams.get(node);
    return stream != null && valid(stream);
  }

  /** The nodes connected now (with certificates still valid). */
  public Set<String> nodes() {
    return streams.values().stream().filter(this::valid).map(s -> s.node)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** False, after ending it, when the stream's certificate is refused now. */
  private boolean valid(Stream stream) {
    if (!refused.test(stream.certificate)) {
      return true;
    }
    stream.end(Status.UNAUTHENTICATED.withDescription("the certificate of '" + stream.node
        + "' has been revoked or has expired"));
    disconnected(stream);
    return false;
  }

  /** Asks {@code node} for a run; false when it is not connected (nothing was sent). */
  public boolean push(String node, RunNow run) {
    Stream stream = streams.get(node);
    if (stream == null || !valid(stream)) {
      return false;
    }
    if (stream.send(AgentCommand.newBuilder().setRunNow(run).build())) {
      return true;
    }
    disconnected(stream);
    return false;
  }

  /** Ends every stream (the master is stopping; agents reconnect to whoever serves next). */
  @Override
  public void close() {
    for (Stream stream : List.copyOf(streams.values())) {
      streams.remove(stream.node, stream);
      stream.end(Status.UNAVAILABLE.withDescription("the master is stopping"));
    }
  }
}
