package dev.stead.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.agent.daemon.SlotFile;
import dev.stead.agent.engine.Transaction;
import dev.stead.proto.v1.RunSlot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop itself, against an address where no master listens (each run fails fast). */
class AgentDaemonTest {
  @TempDir Path state;
  @TempDir Path root;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private AgentDaemon daemon(Duration interval) throws Exception {
    return daemon(interval, false);
  }

  private AgentDaemon daemon(Duration interval, boolean splay) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    AgentOptions options = new AgentOptions("127.0.0.1:" + port, "d.test", state, root, false,
        null, true, 0, true, Transaction.DEFAULT_TIMEOUT, null, false);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    return new AgentDaemon(options, interval, splay, e, e);
  }

  private static void await(BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void runsEveryIntervalAnswersTriggersAndStopsCleanly() throws Exception {
    AgentDaemon d = daemon(Duration.ofMillis(300));
    AtomicInteger code = new AtomicInteger(-1);
    Thread loop = new Thread(() -> {
      try {
        code.set(d.serve());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    loop.start();
    await(() -> d.runs() >= 3);
    assertThat(AgentDaemon.pidFile(state)).hasContent(ProcessHandle.current().pid() + "");
    d.stop();
    loop.join(10_000);
    assertThat(code.get()).isZero();
    assertThat(AgentDaemon.pidFile(state)).doesNotExist();
    assertThat(RunLock.fileIn(state)).doesNotExist();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("daemon started").contains("cannot reach the master").contains("daemon stopped");
  }

  @Test
  void triggerRunsAtOnceInsteadOfWaitingTheInterval() throws Exception {
    AgentDaemon d = daemon(Duration.ofHours(1));
    Thread loop = new Thread(() -> {
      try {
        d.serve();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    loop.start();
    await(() -> d.runs() == 1);   // no splay: the first run is immediate
    await(() -> Files.exists(AgentDaemon.pidFile(state)));
    AgentDaemon.trigger(state);
    await(() -> d.runs() == 2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("run triggered on demand");
    d.stop();
    loop.join(10_000);
    assertThat(loop.isAlive()).isFalse();
  }

  @Test
  void theFirstRunAfterARestartIsAtTheSlotKeptFromEarlierRuns() throws Exception {
    SlotFile.write(state,
        RunSlot.newBuilder().setOffsetPpm(500_000).setRank(1).setNodes(2).build());
    AgentDaemon d = daemon(Duration.ofSeconds(4), true);
    Thread loop = new Thread(() -> {
      try {
        d.serve();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long started = System.currentTimeMillis();
    loop.start();
    await(() -> d.runs() == 1);
    long ended = System.currentTimeMillis();
    d.stop();
    loop.join(10_000);
    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("(run slot 2 of 2, 2 s into each interval)");
    Matcher took = Pattern.compile("run 1 ended \\(exit \\d+\\) after (\\d+) ms").matcher(log);
    assertThat(took.find()).as(log).isTrue();
    long runStarted = ended - Long.parseLong(took.group(1));
    // Half way into a 4 s interval of wall-clock time (give or take the polling).
    assertThat(Math.floorMod(runStarted, 4_000L)).as(log).isBetween(1_950L, 2_500L);
    assertThat(runStarted - started).isLessThan(4_100L);
  }

  @Test
  void triggerWithoutADaemonSaysSo() {
    assertThatThrownBy(() -> AgentDaemon.trigger(state))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no agent daemon is running for " + state);
  }
}
