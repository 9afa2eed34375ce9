package dev.stead.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.agent.engine.Transaction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop itself, against an address where no master listens (each run fails fast). */
class AgentDaemonTest {
  @TempDir Path state;
  @TempDir Path root;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private AgentDaemon daemon(Duration interval) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    AgentOptions options = new AgentOptions("127.0.0.1:" + port, "d.test", state, root, false,
        null, true, 0, true, Transaction.DEFAULT_TIMEOUT, null, false);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    return new AgentDaemon(options, interval, false, e, e);
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
  void triggerWithoutADaemonSaysSo() {
    assertThatThrownBy(() -> AgentDaemon.trigger(state))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no agent daemon is running for " + state);
  }
}
