package dev.stead.bench.fleet;

import dev.stead.bench.ReferenceCode;
import dev.stead.proto.v1.AgentCommand;
import dev.stead.proto.v1.CommandServiceGrpc;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.SubmitReportResponse;
import dev.stead.proto.v1.SubscribeRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * One simulated agent: its own certificate and connection, and what a real agent keeps between
 * runs (the digest and code version of the catalog it holds, sent back as {@code known_digest}
 * so an unchanged catalog is answered with a few bytes). A check-in is the agent's run over
 * the wire: the catalog request with facts, then the report. Calls are asynchronous; the
 * callbacks run on the shared executor. At most one check-in of an agent is in flight.
 */
final class SimAgent {
  private static final long DEADLINE_S = 60;
  private static final int MAX_CATALOG_BYTES = 64 << 20;
  private static final MethodDescriptor<GetCatalogRequest, CatalogAnswer> GET_CATALOG =
      CatalogAnswer.method(MAX_CATALOG_BYTES);

  /** What every agent shares: the master's address, the event loops, the executor. */
  record Shared(String host, int port, X509Certificate ca, EventLoopGroup loops,
      Executor executor, Stats stats, boolean channelPerRun, SslProvider tls) {}

  private final Shared shared;
  private final AgentIdentity identity;
  private final int index;
  private final AtomicBoolean busy = new AtomicBoolean();
  private ManagedChannel kept;
  // Written and read by one check-in at a time (busy is the hand-over).
  private String knownDigest = "";
  private String codeVersion = "";
  private int resources;
  private List<String> titles = List.of();

  SimAgent(Shared shared, AgentIdentity identity, int index) {
    this.shared = shared;
    this.identity = identity;
    this.index = index;
  }

  /** A run: catalog (facts from {@code factsSerial}), then a report of {@code kind}. */
  void checkIn(long dueNanos, long factsSerial, RunReports.Kind kind) {
    if (!busy.compareAndSet(false, true)) {
      shared.stats().late();
      return;
    }
    ManagedChannel channel = channel();
    GetCatalogRequest request = GetCatalogRequest.newBuilder().setNode(identity.node())
        .setFacts(ReferenceCode.facts(index, factsSerial)).setKnownDigest(knownDigest).build();
    ClientCalls.asyncUnaryCall(channel.newCall(GET_CATALOG,
            CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)), request,
        new Unary<>("GetCatalog", channel) {
          @Override
          void done(CatalogAnswer answer) {
            boolean unchanged = answer.kind() == CatalogAnswer.Kind.UNCHANGED;
            if (answer.kind() == CatalogAnswer.Kind.CATALOG) {
              hold(new HeldCatalogs.Held(answer.digest(), answer.codeVersion(),
                  answer.resources(), answer.titles()));
            }
            shared.stats().catalog(dueNanos, unchanged);
            if (answer.kind() == CatalogAnswer.Kind.FAILURE) {
              shared.stats().error("GetCatalog compile-failure", new IllegalStateException());
              finish(channel);
              return;
            }
            report(channel, dueNanos, kind);
          }
        });
  }

  /** Only a quiet report: what report ingestion alone costs the master. */
  void reportOnly(long dueNanos) {
    if (!busy.compareAndSet(false, true)) {
      shared.stats().late();
      return;
    }
    report(channel(), dueNanos, RunReports.Kind.QUIET);
  }

  /**
   * Opens this agent's command stream and counts it in {@code open} once the master holds it.
   * A permit of {@code opening} is held until then, so only so many TLS handshakes are in
   * flight at once (a fleet restarting in its slots, not all at one instant); a stream that
   * fails is opened again after {@code retryMs}, as the daemon does.
   */
  void subscribe(AtomicInteger open, Semaphore opening, long retryMs,
      ScheduledExecutorService retries) {
    opening.acquireUninterruptibly();
    CommandServiceGrpc.newStub(channel()).subscribe(
        SubscribeRequest.newBuilder().setNode(identity.node()).build(),
        new StreamObserver<>() {
          private boolean counted;
          private boolean released;

          @Override
          public void onNext(AgentCommand command) {
            if (command.hasSubscribed() && !counted) {
              counted = true;
              open.incrementAndGet();
              release();
            }
          }

          @Override
          public void onError(Throwable t) {
            ended();
            shared.stats().error("Subscribe", t);
            retries.schedule(() -> subscribe(open, opening, retryMs, retries), retryMs,
                TimeUnit.MILLISECONDS);
          }

          @Override
          public void onCompleted() {
            ended();
          }

          private void ended() {
            release();
            if (counted) {
              counted = false;
              open.decrementAndGet();
            }
          }

          private void release() {
            if (!released) {
              released = true;
              opening.release();
            }
          }
        });
  }

  void close() {
    if (kept != null) {
      kept.shutdownNow();
    }
  }

  private void report(ManagedChannel channel, long dueNanos, RunReports.Kind kind) {
    Report report = RunReports.of(identity.node(), kind, codeVersion, knownDigest, resources,
        titles);
    ReportServiceGrpc.newStub(channel).withDeadlineAfter(DEADLINE_S, TimeUnit.SECONDS)
        .submitReport(SubmitReportRequest.newBuilder().setReport(report).build(),
            new Unary<>("SubmitReport", channel) {
              @Override
              void done(SubmitReportResponse response) {
                shared.stats().report(dueNanos);
                finish(channel);
              }
            });
  }

  /** Takes up what this agent held before a restart of the simulator. */
  void hold(HeldCatalogs.Held held) {
    knownDigest = held.digest();
    codeVersion = held.codeVersion();
    resources = held.resources();
    titles = held.titles();
  }

  /** What this agent holds now (an empty digest: nothing yet); call with no run in flight. */
  HeldCatalogs.Held held() {
    return new HeldCatalogs.Held(knownDigest, codeVersion, resources, titles);
  }

  String node() {
    return identity.node();
  }

  private void finish(ManagedChannel channel) {
    if (shared.channelPerRun()) {
      channel.shutdown();
    }
    busy.set(false);
  }

  private ManagedChannel channel() {
    if (!shared.channelPerRun() && kept != null) {
      return kept;
    }
    SslContext tls;
    try {
      // The JDK's TLS as real agents use, unless BoringSSL's was asked for (--client-tls).
      tls = GrpcSslContexts.configure(SslContextBuilder.forClient(), shared.tls())
          .trustManager(shared.ca()).keyManager(identity.keyManager())
          .protocols("TLSv1.3").build();
    } catch (SSLException e) {
      throw new IllegalStateException("TLS setup failed for " + identity.node(), e);
    }
    ManagedChannel channel = NettyChannelBuilder.forAddress(shared.host(), shared.port())
        .sslContext(tls).eventLoopGroup(shared.loops()).channelType(NioSocketChannel.class)
        .executor(shared.executor()).maxInboundMessageSize(MAX_CATALOG_BYTES).build();
    if (!shared.channelPerRun()) {
      kept = channel;
    }
    return channel;
  }

  /** One unary call's answer: {@link #done} on success, the status counted on failure. */
  private abstract class Unary<T> implements StreamObserver<T> {
    private final String call;
    private final ManagedChannel channel;
    private T value;

    Unary(String call, ManagedChannel channel) {
      this.call = call;
      this.channel = channel;
    }

    abstract void done(T value);

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      shared.stats().error(call, t);
      finish(channel);
    }

    @Override
    public void onCompleted() {
      done(value);
    }
  }
}
