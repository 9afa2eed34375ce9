package dev.stead.bench.fleet;

import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.GetCaCertificateRequest;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * Fresh mutual-TLS connections against a running master, one cheap call each (the CA
 * certificate, behind the identity check), as agents make them when the master has closed
 * their idle connection: handshakes per second and the master's CPU per handshake, read from
 * /proc. The client side uses the JDK's TLS, as agents do. Prints one JSON line.
 *
 * <pre>HandshakeBench HOST:PORT IDENTITIES.tsv MASTER_PID CONNECTIONS WARMUP PARALLEL LABEL</pre>
 */
public final class HandshakeBench {
  private HandshakeBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      throw new IllegalArgumentException("usage: HandshakeBench HOST:PORT IDENTITIES.tsv"
          + " MASTER_PID CONNECTIONS WARMUP PARALLEL LABEL");
    }
    String host = args[0].substring(0, args[0].lastIndexOf(':'));
    int port = Integer.parseInt(args[0].substring(args[0].lastIndexOf(':') + 1));
    Path identities = Path.of(args[1]);
    MasterProbe master = new MasterProbe(Integer.parseInt(args[2]), null);
    int connections = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    int parallel = Integer.parseInt(args[5]);
    String label = args[6];

    X509Certificate ca = Pem.readCertificate(Files.readString(Enrollment.caFile(identities)));
    List<AgentIdentity> agents = Enrollment.stored(identities, 100);
    NioEventLoopGroup loops = new NioEventLoopGroup(2);
    ExecutorService callers = Executors.newFixedThreadPool(parallel);
    try {
      Connector connector = new Connector(host, port, ca, agents, loops);
      run(callers, connector, warmup, parallel);
      MasterProbe.Sample before = master.sample();
      long ownCpuBefore = ownCpuNanos();
      long start = System.nanoTime();
      int failures = run(callers, connector, connections, parallel);
      double seconds = (System.nanoTime() - start) / 1e9;
      MasterProbe.Sample after = master.sample();
      double ownCpuMs = (ownCpuNanos() - ownCpuBefore) / 1e6;
      System.out.println(String.format(Locale.ROOT, "{\"provider\":\"%s\",\"connections\":%d,"
              + "\"failures\":%d,\"seconds\":%.2f,\"handshakes_per_s\":%.1f,"
              + "\"master_cpu_ms_per_handshake\":%.3f,\"client_cpu_ms_per_handshake\":%.3f,"
              + "\"load\":%s}", label, connections, failures, seconds, connections / seconds,
          (after.cpuSeconds() - before.cpuSeconds()) * 1000 / connections,
          ownCpuMs / connections, MasterProbe.loadAverage()));
    } finally {
      callers.shutdownNow();
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** {@code count} connections, {@code parallel} at a time; returns how many failed. */
  private static int run(ExecutorService callers, Connector connector, int count, int parallel)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < parallel; i++) {
      workers.add(callers.submit(() -> {
        for (int n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
          if (!connector.connectAndCall(n)) {
            failures.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    return failures.get();
  }

  private static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * Opens a new channel with a new client context, as an agent's run does, so each
   * connection is a full handshake (no session resumption); makes one call, closes it.
   */
  private record Connector(String host, int port, X509Certificate ca,
      List<AgentIdentity> agents, NioEventLoopGroup loops) {
    boolean connectAndCall(int n) throws InterruptedException, SSLException {
      SslContext tls = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
          .trustManager(ca).keyManager(agents.get(n % agents.size()).keyManager())
          .protocols("TLSv1.3").build();
      ManagedChannel channel = NettyChannelBuilder.forAddress(host, port)
          .sslContext(tls).eventLoopGroup(loops)
          .channelType(NioSocketChannel.class).directExecutor().build();
      try {
        BootstrapGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .getCaCertificate(GetCaCertificateRequest.getDefaultInstance());
        return true;
      } catch (StatusRuntimeException e) {
        System.err.println("call " + n + " failed: " + e.getStatus());
        return false;
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
