package dev.stead.master.rpc;

import dev.stead.proto.v1.ReportServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * Builds and starts the master's one gRPC port: TLS 1.3 only unless {@link Options#allowTls12}
 * (then TLS 1.2 too, with forward-secret AEAD suites only), served by BoringSSL or the JDK as
 * {@link ServerTlsProvider} chooses (the same policy either way), client certificates
 * optional but, when sent, verified against the CA alone (so another CA's certificate fails
 * the handshake), every service behind the {@link IdentityInterceptor} and the
 * {@link InboundGuard}. There is no plaintext listener.
 *
 * <p>Connections are bounded by {@link ConnectionLimits} (idle time, age, handshake time,
 * count per source address and in all, through the {@link ConnectionGate}) and requests by
 * {@link InputLimits} while they arrive ({@link InboundBudget}).
 */
public final class TlsServer {
  private static final Logger LOG = Logger.getLogger(TlsServer.class.getName());
  /** TLS 1.3 suites (the JDK's names); all three are AEAD and forward-secret by design. */
  static final List<String> TLS13_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
  /** TLS 1.2 suites allowed with {@code --tls12}: ECDHE (forward secrecy) and AEAD only. */
  static final List<String> TLS12_SUITES = List.of(
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

  /**
   * How the port is secured beyond the certificates.
   *
   * @param allowTls12 accept TLS 1.2 (strong suites only) besides TLS 1.3
   * @param revoked true for a revoked certificate serial, asked on every call
   * @param clock for the per-call expiry check
   * @param connections how long and how many connections are kept
   * @param counts where the port counts its connections
   * @param rememberedChains where the client chains accepted are kept across restarts
   *     ({@link RememberedChainsFile}); null to keep them in memory only
   */
  public record Options(boolean allowTls12, Predicate<BigInteger> revoked, Clock clock,
      ConnectionLimits connections, ConnectionCounts counts, Path rememberedChains) {
    public Options(boolean allowTls12, Predicate<BigInteger> revoked, Clock clock,
        ConnectionLimits connections, ConnectionCounts counts) {
      this(allowTls12, revoked, clock, connections, counts, null);
    }

    public Options(boolean allowTls12, Predicate<BigInteger> revoked, Clock clock,
        ConnectionLimits connections) {
      this(allowTls12, revoked, clock, connections, new ConnectionCounts());
    }

    /** These options, keeping the accepted client chains in {@code file} across restarts. */
    public Options rememberingChainsIn(Path file) {
      return new Options(allowTls12, revoked, clock, connections, counts, file);
    }

    public static Options tls13Only(Predicate<BigInteger> revoked) {
      return new Options(false, revoked, Clock.systemUTC(), ConnectionLimits.defaults());
    }
  }

  /** Concurrent calls on one connection; an agent makes a few at a time. */
  static final int MAX_CALLS_PER_CONNECTION = 100;
  /** How often the accepted client chains are saved while new ones come. */
  static final Duration CHAINS_SAVE_INTERVAL = Duration.ofMinutes(5);
  /** HTTP/2 flow-control window per stream and per connection (gRPC's default size). */
  public static final int FLOW_CONTROL_WINDOW = 1024 * 1024;

  private TlsServer() {}

  public static Server start(String host, int port, PrivateKey serverKey,
      X509Certificate serverCertificate, X509Certificate caCertificate,
      List<ServerServiceDefinition> services, AccessPolicy policy, Options options)
      throws IOException {
    return start(host, port, serverKey, serverCertificate, caCertificate, services, policy,
        options, ServerConcurrency.defaults());
  }

  /**
   * As above, with the threads {@code concurrency} names for the TLS handshakes and for the
   * calls; what arrives while they are busy waits in their queues.
   */
  public static Server start(String host, int port, PrivateKey serverKey,
      X509Certificate serverCertificate, X509Certificate caCertificate,
      List<ServerServiceDefinition> services, AccessPolicy policy, Options options,
      ServerConcurrency concurrency) throws IOException {
    policy.requireCovers(services);
    SslContext ssl;
    ServerTlsProvider provider;
    try {
      provider = ServerTlsProvider.fromEnvironment();
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
    // Chosen before the TLS context, which a refusal here would leave unreleased.
    ServerTransport transport;
    try {
      transport = ServerTransport.fromEnvironment();
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot set up the port: " + e.getMessage(), e);
    }
    RememberingClientTrust trust = new RememberingClientTrust(caCertificate,
        RememberingClientTrust.DEFAULT_CAPACITY, Clock.systemUTC());
    try {
      // The suites are named the JDK's way; Netty maps them to BoringSSL's names.
      SslContextBuilder builder = GrpcSslContexts.configure(
              provider.serverBuilder(serverKey, serverCertificate), provider.provider())
          .trustManager(trust)
          .clientAuth(ClientAuth.OPTIONAL);
      if (options.allowTls12()) {
        List<String> suites = new ArrayList<>(TLS13_SUITES);
        suites.addAll(TLS12_SUITES);
        builder.protocols("TLSv1.3", "TLSv1.2").ciphers(suites);
      } else {
        builder.protocols("TLSv1.3").ciphers(TLS13_SUITES);
      }
      ssl = builder.build();
    } catch (SSLException e) {
      throw new IOException("cannot set up TLS with " + provider.description() + ": "
          + e.getMessage(), e);
    }
    ConnectionLimits limits = options.connections();

    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, daemonThreads("stead-grpc-accept"),
        transport.ioHandlers());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, daemonThreads("stead-grpc-io"),
        transport.ioHandlers());
    // Fixed pools, not gRPC's default cached one, which grows a thread for every call that
    // waits and every handshake (1,800 threads in a handshake storm). Two of them: gRPC runs
    // the TLS handshakes' delegated tasks (the key exchange, the signature) on the server's
    // executor, and a handshake that queued behind reports would pass the handshake time
    // limit; the calls run on their own. The queues are not bounded here: a rejected task
    // would reset a stream or break a handshake; the connection limits, the calls allowed per
    // connection and the catalog queue bound what waits in them.
    ThreadPoolExecutor handshakes = fixedPool(concurrency.handshakeThreads(), "stead-grpc-tls");
    ThreadPoolExecutor calls = fixedPool(concurrency.callThreads(), "stead-grpc-call");
    // Reports wait for the store's syncs: among themselves.
    ThreadPoolExecutor reports = fixedPool(concurrency.reportThreads(), "stead-grpc-report");
    int backlog = concurrency.handshakeBacklog();
    ConnectionGate gate = new ConnectionGate(limits,
        () -> handshakes.getQueue().size() > backlog, options.counts());
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .executor(handshakes)
        .callExecutor(new ServerCallExecutorSupplier() {
          @Override
          public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call,
              Metadata headers) {
            return ReportServiceGrpc.SERVICE_NAME.equals(
                call.getMethodDescriptor().getServiceName()) ? reports : calls;
          }
        })
        .sslContext(ssl)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelFactory(() -> {
          ServerChannel listener = transport.listeners().get();
          // First in the listener's pipeline: it sees each new connection before gRPC does.
          listener.pipeline().addLast(gate);
          return listener;
        })
        .maxConnectionIdle(limits.idle().toNanos(), TimeUnit.NANOSECONDS)
        .maxConnectionAge(limits.maxAge().toNanos(), TimeUnit.NANOSECONDS)
        .maxConnectionAgeGrace(limits.maxAgeGrace().toNanos(), TimeUnit.NANOSECONDS)
        // Pings find peers that vanished while a long call (a file stream) is open.
        .keepAliveTime(1, TimeUnit.MINUTES)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
        // A fixed window (no auto-tuning): what a stream may send before its call has even
        // started, and so what a refused request can cost beyond its limit.
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        .maxRstFramesPerWindow(200, 10)
        // The largest any method accepts; InboundBudget holds each call to its own limit.
        .maxInboundMessageSize(InputLimits.MAX_REPORT_BYTES)
        .maxInboundMetadataSize(64 * 1024)
        .addStreamTracerFactory(new InboundBudget(InputLimits.MAX_REQUEST_BYTES,
            InputLimits.MAX_REQUEST_BYTES_BY_METHOD, InputLimits.MAX_ANONYMOUS_REQUEST_BYTES));
    IdentityInterceptor interceptor =
        new IdentityInterceptor(policy, options.revoked(), options.clock());
    InboundGuard guard = new InboundGuard(InputLimits.MAX_REQUEST_BYTES,
        InputLimits.MAX_REQUEST_BYTES_BY_METHOD);
    for (ServerServiceDefinition service : services) {
      builder.addService(guard.wrap(ServerInterceptors.intercept(service, interceptor)));
    }
    List<AutoCloseable> atShutdown = new ArrayList<>();
    if (options.rememberedChains() != null) {
      atShutdown.add(RememberedChainsFile.keep(trust, options.rememberedChains(),
          caCertificate, CHAINS_SAVE_INTERVAL));
    }
    Server server = new LoopOwningServer(builder.build(), List.of(boss, workers),
        List.of(handshakes, calls, reports), atShutdown);
    try {
      server.start();
    } catch (IOException e) {
      throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    LOG.info(() -> "TLS on " + host + ":" + server.getPort() + " served by "
        + provider.description() + " over " + transport.description());
    return server;
  }

  /** {@code threads} threads at most, none kept while idle, an unbounded queue. */
  private static ThreadPoolExecutor fixedPool(int threads, String name) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemonThreads(name));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
