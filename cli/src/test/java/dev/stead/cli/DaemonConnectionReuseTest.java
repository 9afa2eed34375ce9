package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentDaemon;
import dev.stead.agent.AgentOptions;
import dev.stead.agent.client.CertificateRenewal;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.agent.tls.SslFiles;
import dev.stead.master.AdminClient;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.master.jobs.JobClient;
import dev.stead.master.rpc.ConnectionLimits;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.RunJobRequest;
import dev.stead.wire.Pem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon's runs go over the connection its command stream holds open, so a run every few
 * minutes makes no TLS handshake of its own, although the master closes idle connections
 * sooner than that. Counted where an operator would: the master's
 * {@code stead_connections_accepted_total}. Real master, real daemon, real mutual TLS on
 * loopback; the master's idle limit is 1 s and the daemon runs every 2.5 s.
 */
class DaemonConnectionReuseTest {
  private static final Pattern ACCEPTED =
      Pattern.compile("(?m)^stead_connections_accepted_total (\\d+)$");
  @TempDir Path tmp;

  @Test
  void runsOfASubscribedDaemonDialNoNewConnection() throws Exception {
    long[] accepted = runsAndConnections(true);
    assertThat(accepted[1] - accepted[0]).as("connections accepted over two more runs")
        .isZero();
  }

  @Test
  void withoutTheStreamEachRunAfterTheIdleLimitDialsAgain() throws Exception {
    long[] accepted = runsAndConnections(false);
    assertThat(accepted[1] - accepted[0]).as("connections accepted over two more runs")
        .isGreaterThanOrEqualTo(2);
  }

  /**
   * A certificate renewed while the daemon holds its stream: the runs after it go out with
   * the new certificate on a new connection (the old one is shut down gracefully, so the stream
   * on it is not cut by the agent), they succeed, the master ends the stream held with the
   * superseded certificate and the daemon subscribes again, and a run on demand reaches it.
   */
  @Test
  void afterARenewalRunsAndRunsOnDemandStillReachTheDaemon() throws Exception {
    String node = "renewed.test";
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('" + node + "') { }\n");
    Path data = tmp.resolve("master");
    MasterConfig config = new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*.test");
    try (Master master = Master.builder(config).start();
        Running daemon = Running.start(master, node, tmp, Duration.ofMillis(1_500), true)) {
      SslFiles ssl = new SslFiles(daemon.state.resolve("ssl"));
      X509Certificate old = Pem.readCertificate(Files.readString(ssl.certificate()));
      KeyPair keys = KeyMaterial.of(Pem.readPrivateKey(Files.readString(ssl.privateKey())));
      X509Certificate ca = Pem.readCertificate(Files.readString(ssl.ca()));
      Clock lateInLife = Clock.fixed(old.getNotAfter().toInstant().minus(Duration.ofDays(10)),
          ZoneOffset.UTC);
      X509Certificate renewed = CertificateRenewal.renewIfDue(
          MasterAddress.parse(master.address()), ca, keys, old, ssl, node, daemon.log,
          lateInLife);
      assertThat(renewed.getSerialNumber()).isNotEqualTo(old.getSerialNumber());

      int after = daemon.daemon.runs() + 2;
      daemon.await(() -> daemon.daemon.runs() >= after, "two runs after the renewal");
      assertThat(daemon.said()).as(daemon.said())
          .contains("run " + after + " ended (exit 0)")
          .contains("run " + (after - 1) + " ended (exit 0)");

      // The master ends the stream held with the superseded certificate once the new one is
      // used; the daemon subscribes again with the new one.
      daemon.await(() -> daemon.said().split("subscribed to the master", -1).length - 1 >= 2,
          "the stream subscribed again");
      JobStatus started;
      try (AdminClient admin = AdminClient.connect(data, master.address())) {
        started = new JobClient(admin).run(RunJobRequest.newBuilder().setNodes(node)
            .setTimeoutMs(20_000).build(), false, event -> { });
      }
      daemon.await(() -> daemon.said()
          .contains("run requested by the master (job " + started.getId()), "the run on demand");
    }
  }

  /** Connections the master accepted after the daemon's first run, and after its third. */
  private long[] runsAndConnections(boolean subscribe) throws Exception {
    String node = subscribe ? "held.test" : "alone.test";
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('" + node + "') { }\n");
    MasterConfig config = new MasterConfig(tmp.resolve("master"), code, List.of(), "127.0.0.1",
        0, "*.test").withConnectionLimits(ConnectionLimits.defaults()
        .withIdle(Duration.ofSeconds(1)));
    try (Master master = Master.builder(config).start();
        Running daemon = Running.start(master, node, tmp, Duration.ofMillis(2_500), subscribe)) {
      long before = accepted(master);
      daemon.await(() -> daemon.daemon.runs() == 3, "two more runs");
      long after = accepted(master);
      for (int run = 1; run <= 3; run++) {
        assertThat(daemon.said()).as(daemon.said()).contains("run " + run + " ended (exit 0)");
      }
      return new long[] {before, after};
    }
  }

  private static long accepted(Master master) {
    Matcher m = ACCEPTED.matcher(master.metrics().scrape());
    assertThat(m.find()).as("stead_connections_accepted_total in the metrics").isTrue();
    return Long.parseLong(m.group(1));
  }

  /**
   * A daemon serving on a thread of its own, its log in memory; started, it has finished its
   * first run and (when subscribing) holds its stream.
   */
  private static final class Running implements AutoCloseable {
    final AgentDaemon daemon;
    final Path state;
    final PrintStream log;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Thread loop;

    private Running(Master master, String node, Path tmp, Duration interval, boolean subscribe)
        throws Exception {
      state = tmp.resolve("state");
      log = new PrintStream(out, true, StandardCharsets.UTF_8);
      AgentOptions options = new AgentOptions(master.address(), node, state,
          Files.createDirectories(tmp.resolve("root")), false, null, true, 0);
      daemon = new AgentDaemon(options, interval, false, false, subscribe, log, log);
      loop = new Thread(() -> {
        try {
          daemon.serve();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }

    static Running start(Master master, String node, Path tmp, Duration interval,
        boolean subscribe) throws Exception {
      Running running = new Running(master, node, tmp, interval, subscribe);
      running.loop.start();
      try {
        running.await(() -> running.daemon.runs() == 1, "the first run");
        if (subscribe) {
          running.await(() -> running.said().contains("subscribed to the master"),
              "the command stream");
        }
      } catch (AssertionError | InterruptedException e) {
        running.close();
        throw e;
      }
      return running;
    }

    String said() {
      return out.toString(StandardCharsets.UTF_8);
    }

    void await(BooleanSupplier condition, String what) throws InterruptedException {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out waiting for " + what + "; the daemon said "
              + said());
        }
        Thread.sleep(20);
      }
    }

    @Override
    public void close() throws InterruptedException {
      daemon.stop();
      loop.join(10_000);
    }
  }
}
