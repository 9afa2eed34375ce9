package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentDaemon;
import dev.stead.agent.AgentOptions;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.master.rpc.ConnectionLimits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  /** Connections the master accepted after the daemon's first run, and after its third. */
  private long[] runsAndConnections(boolean subscribe) throws Exception {
    String node = subscribe ? "held.test" : "alone.test";
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('" + node + "') { }\n");
    MasterConfig config = new MasterConfig(tmp.resolve("master"), code, List.of(), "127.0.0.1",
        0, "*.test").withConnectionLimits(ConnectionLimits.defaults()
        .withIdle(Duration.ofSeconds(1)));
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(said, true, StandardCharsets.UTF_8);
    try (Master master = Master.builder(config).start()) {
      AgentOptions options = new AgentOptions(master.address(), node, tmp.resolve("state"),
          Files.createDirectories(tmp.resolve("root")), false, null, true, 0);
      AgentDaemon daemon = new AgentDaemon(options, Duration.ofMillis(2_500), false, false,
          subscribe, log, log);
      Thread loop = new Thread(() -> {
        try {
          daemon.serve();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      loop.start();
      try {
        await(() -> daemon.runs() == 1, "the first run", said);
        if (subscribe) {
          await(() -> said.toString(StandardCharsets.UTF_8).contains("subscribed to the master"),
              "the command stream", said);
        }
        long before = accepted(master);
        await(() -> daemon.runs() == 3, "two more runs", said);
        long after = accepted(master);
        String text = said.toString(StandardCharsets.UTF_8);
        for (int run = 1; run <= 3; run++) {
          assertThat(text).as(text).contains("run " + run + " ended (exit 0)");
        }
        return new long[] {before, after};
      } finally {
        daemon.stop();
        loop.join(10_000);
      }
    }
  }

  private static long accepted(Master master) {
    Matcher m = ACCEPTED.matcher(master.metrics().scrape());
    assertThat(m.find()).as("stead_connections_accepted_total in the metrics").isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void await(BooleanSupplier condition, String what,
      ByteArrayOutputStream said) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; the daemon said "
            + said.toString(StandardCharsets.UTF_8));
      }
      Thread.sleep(20);
    }
  }
}
