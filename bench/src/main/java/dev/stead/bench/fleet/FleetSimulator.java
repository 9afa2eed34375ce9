package dev.stead.bench.fleet;

import dev.stead.bench.ReferenceCode;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fleet of simulated agents against a running master, over the real wire (mutual TLS,
 * gRPC), in one light JVM: a few event loop threads, asynchronous stubs, one connection per
 * agent. Check-ins are issued open loop at a fixed rate (agents / interval), whatever the
 * master's speed, so a slow master shows as latency and not as a lower offered load. Prints
 * one JSON line per period and a total over the measured part (after the warm-up). Usage:
 * {@link FleetOptions#USAGE}; bench/fleet/run.sh starts a master and runs the scenarios.
 */
public final class FleetSimulator {
  private FleetSimulator() {}

  public static void main(String[] args) throws Exception {
    FleetOptions o;
    try {
      o = FleetOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (o.mode().equals("first")) {
      firstCatalog(o);
      return;
    }
    X509Certificate ca = Enrollment.fetchCa(o.host(), o.port());
    List<AgentIdentity> identities = Enrollment.identities(o.identities(), o.agents(),
        o.host(), o.port(), ca);
    NioEventLoopGroup loops = new NioEventLoopGroup(o.eventLoops());
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "sim-callbacks");
      t.setDaemon(true);
      return t;
    });
    Stats stats = new Stats();
    SimAgent.Shared shared = new SimAgent.Shared(o.host(), o.port(), ca, loops, executor, stats,
        o.channelPerRun(), o.boringClient() ? SslProvider.OPENSSL : SslProvider.JDK);
    List<SimAgent> agents = new ArrayList<>(identities.size());
    Map<String, HeldCatalogs.Held> held = o.heldFile() == null ? Map.of()
        : HeldCatalogs.read(o.heldFile());
    for (int i = 0; i < identities.size(); i++) {
      SimAgent agent = new SimAgent(shared, identities.get(i), i);
      HeldCatalogs.Held h = held.get(identities.get(i).node());
      if (h != null) {
        agent.hold(h);
      }
      agents.add(agent);
    }
    MasterProbe probe = new MasterProbe(o.masterPid(), o.masterData(), o.masterPidFile());
    AtomicInteger streamsOpen = new AtomicInteger();
    try {
      if (o.streams() > 0) {
        openStreams(o, agents, streamsOpen, probe);
      }
      new OpenLoop(o, agents, stats, probe, streamsOpen).run();
      if (o.heldFile() != null) {
        HeldCatalogs.write(o.heldFile(), held, agents);
      }
    } finally {
      agents.forEach(SimAgent::close);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  /** Opens one command stream per agent, paced, and waits until the master holds them. */
  private static void openStreams(FleetOptions o, List<SimAgent> agents, AtomicInteger open,
      MasterProbe probe) throws InterruptedException {
    MasterProbe.Sample before = probe.sample();
    long start = System.nanoTime();
    // 64 handshakes in flight at most: opening all at once makes each wait for the others
    // until the master's 10 s handshake limit ends them all.
    Semaphore opening = new Semaphore(64);
    ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sim-stream-retry");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < o.streams(); i++) {
      agents.get(i).subscribe(open, opening, 1000, retries);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    while (open.get() < o.streams() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Thread.sleep(5000); // let the master settle after the handshakes
    MasterProbe.Sample after = probe.sample();
    System.out.println(new Json().add("line", "streams").add("wanted", o.streams())
        .add("open", open.get())
        .add("seconds_to_open", (System.nanoTime() - start) / 1e9 - 5)
        .add("master_before", Json.sample(before)).add("master_after", Json.sample(after))
        .add("fds_per_stream", (after.fds() - before.fds()) / (double) Math.max(1, open.get()))
        .add("rss_kb_per_stream", (after.rssBytes() - before.rssBytes()) / 1024.0
            / Math.max(1, open.get()))
        .add("load", new Json.Raw(MasterProbe.loadAverage())));
  }

  /**
   * Cold start: asks for one agent's catalog until the master answers, and prints how long
   * after {@code --since-epoch-ms} or {@code --since-file} (when the master was started) the
   * first catalog came.
   */
  private static void firstCatalog(FleetOptions o) throws Exception {
    AgentIdentity agent = Enrollment.stored(o.identities(), 1).get(0);
    X509Certificate ca = Pem.readCertificate(Files.readString(Enrollment.caFile(o.identities())));
    SslContext tls = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .trustManager(ca).keyManager(agent.keyManager()).build();
    // The master's time, not the client's: the client's own first handshake and call (class
    // loading, ~1 s in a fresh JVM) happen before, against a server of its own; and a channel
    // whose first connection is refused waits out gRPC's reconnect backoff (1 s and more)
    // before it tries again, so the master's port is polled first.
    warmUp(tls, agent);
    awaitListening(o.host(), o.port());
    ManagedChannel channel = NettyChannelBuilder.forAddress(o.host(), o.port()).sslContext(tls)
        .maxInboundMessageSize(64 << 20).build();
    String known = o.knownDigestFile() != null && Files.exists(o.knownDigestFile())
        ? Files.readString(o.knownDigestFile()).strip() : "";
    int attempts = 0;
    try {
      while (true) {
        attempts++;
        try {
          GetCatalogResponse answer = CatalogServiceGrpc.newBlockingStub(channel)
              .withWaitForReady().withDeadlineAfter(60, TimeUnit.SECONDS)
              .getCatalog(GetCatalogRequest.newBuilder().setNode(agent.node())
                  .setFacts(ReferenceCode.facts(0, 1)).setKnownDigest(known).build());
          long since = o.sinceFile() == null ? o.sinceEpochMs()
              : Long.parseLong(Files.readString(o.sinceFile()).strip());
          long ms = System.currentTimeMillis() - since;
          if (answer.hasCatalog() && o.knownDigestFile() != null) {
            Files.writeString(o.knownDigestFile(), answer.getCatalog().getDigest() + "\n");
          }
          System.out.println(new Json().add("line", "first_catalog").add("node", agent.node())
              .add("ms_since_master_start", ms).add("catalog_sent", answer.hasCatalog())
              .add("known_digest_sent", !known.isEmpty()).add("unchanged", answer.getUnchanged())
              .add("attempts", attempts).add("load", new Json.Raw(MasterProbe.loadAverage())));
          return;
        } catch (io.grpc.StatusRuntimeException e) {
          if (attempts > 600) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * One catalog call over TLS to a server in this JVM (the agent's certificate as its own,
   * no services: the answer is UNIMPLEMENTED), so that the client's handshake and call paths
   * are loaded before the measured one.
   */
  private static void warmUp(SslContext tls, AgentIdentity agent) throws Exception {
    io.grpc.Server server = io.grpc.netty.NettyServerBuilder
        .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.configure(
            SslContextBuilder.forServer(agent.key(), agent.certificate()), SslProvider.JDK)
            .build())
        .build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .sslContext(tls).overrideAuthority(agent.node()).build();
    try {
      CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getCatalog(GetCatalogRequest.newBuilder().setNode(agent.node()).build());
    } catch (io.grpc.StatusRuntimeException expected) {
      // UNIMPLEMENTED, or UNAVAILABLE when the name does not match: the paths are loaded
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Returns once {@code host:port} accepts a TCP connection (polled every 10 ms, 60 s). */
  private static void awaitListening(String host, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (java.net.Socket probe = new java.net.Socket()) {
        probe.connect(new java.net.InetSocketAddress(host, port), 1_000);
        return;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(10);
      }
    }
  }

  /** The client's own CPU seconds: it shares the machine with the master. */
  static double clientCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }
}
