package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.client.MasterChannels;
import dev.stead.agent.client.MasterList;
import dev.stead.agent.daemon.CommandStream;
import dev.stead.agent.tls.SslFiles;
import dev.stead.master.AdminClient;
import dev.stead.master.Master;
import dev.stead.master.MasterConfig;
import dev.stead.master.jobs.JobClient;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.RunJobRequest;
import dev.stead.proto.v1.RunNow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's command stream outlives its master: when the master stops, the stream says so
 * and dials again with backoff; once a master serves the port again it subscribes again, and
 * a job started there reaches it. Real master, real mutual TLS on loopback.
 */
class CommandStreamReconnectTest {
  private static final String NODE = "stream.test";
  @TempDir Path tmp;

  private static void await(BooleanSupplier condition, String what, List<String> log)
      throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; the stream said " + log);
      }
      Thread.sleep(20);
    }
  }

  private static long count(List<String> log, String part) {
    return log.stream().filter(l -> l.contains(part)).count();
  }

  /** Runs the agent once against the master at {@code address}; its state directory. */
  private Path enrolled(String address) throws Exception {
    Path state = tmp.resolve("state");
    AgentOptions options = new AgentOptions(address, NODE, state,
        Files.createDirectories(tmp.resolve("root")), false, null, true, 0);
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(said, true, StandardCharsets.UTF_8);
    assertThat(new AgentRun(options).runOnce(out, out)).as(said.toString()).isZero();
    return state;
  }

  @Test
  void theStreamDialsAgainAfterTheMasterRestartsAndTakesItsJobs() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('" + NODE + "') { }\n");
    Path data = tmp.resolve("master");
    int port = MasterProcess.freePort();
    MasterConfig config = new MasterConfig(data, code, List.of(), "127.0.0.1", port, "*.test");
    Master master = Master.builder(config).start();
    Path state = enrolled(master.address());

    List<String> log = new CopyOnWriteArrayList<>();
    BlockingQueue<RunNow> runs = new LinkedBlockingQueue<>();
    try (MasterChannels channels = new MasterChannels();
        CommandStream stream = CommandStream.start(MasterAddress.parse(master.address()),
            channels, new SslFiles(state.resolve("ssl")), NODE, runs::add, log::add)) {
      await(() -> count(log, "subscribed") == 1, "the first subscription", log);

      master.close();
      // The chain the master accepted is kept for its next start (mode 0600).
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(data.resolve("client-chains")))).isEqualTo("rw-------");
      await(() -> count(log, "ended") >= 1, "the stream's end", log);
      assertThat(log).anyMatch(l -> l.matches("the command stream to the master ended \\(.*\\);"
          + " reconnecting in \\d+ (ms|s)"));
      master = Master.builder(config).start();
      await(() -> count(log, "subscribed") == 2, "the second subscription", log);

      JobStatus started;
      try (AdminClient admin = AdminClient.connect(data, master.address())) {
        started = new JobClient(admin).run(RunJobRequest.newBuilder().setNodes(NODE)
            .setTimeoutMs(2_000).build(), false, event -> { });
      }
      RunNow run = runs.poll(10, TimeUnit.SECONDS);
      assertThat(run).isNotNull();
      assertThat(run.getJobId()).isEqualTo(started.getId());
      assertThat(run.getNoop()).isFalse();
    } finally {
      master.close();
    }
  }

  @Test
  void withSeveralMastersTheStreamMovesOnToTheNextThatTakesIt() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('" + NODE + "') { }\n");
    Master master = Master.builder(new MasterConfig(tmp.resolve("master"), code, List.of(),
        "127.0.0.1", 0, "*.test")).start();
    try {
      Path state = enrolled(master.address());

      String away = "127.0.0.1:" + MasterProcess.freePort();
      List<String> log = new CopyOnWriteArrayList<>();
      try (MasterChannels channels = new MasterChannels();
          CommandStream stream = CommandStream.start(
              MasterList.parse(away + "," + master.address()), channels,
              new SslFiles(state.resolve("ssl")), NODE, run -> { }, log::add)) {
        await(() -> count(log, "subscribed to the master at " + master.address()) == 1,
            "the subscription to the second master", log);
        assertThat(log.get(0)).startsWith("the command stream to the master ended (cannot "
            + "reach the master at " + away).endsWith(" to " + master.address());
      }
    } finally {
      master.close();
    }
  }

  @Test
  void closingTheStreamAtAnyMomentEndsItsThreadQuietly() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), "node('" + NODE + "') { }\n");
    Master master = Master.builder(new MasterConfig(tmp.resolve("master"), code, List.of(),
        "127.0.0.1", 0, "*.test")).start();
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
    long seed = System.nanoTime();
    java.util.Random random = new java.util.Random(seed);
    try {
      Path state = enrolled(master.address());
      try (MasterChannels channels = new MasterChannels()) {
        // A daemon stopping while its stream is being set up, is subscribed, or is between
        // two attempts: each must end the stream's thread without an exception escaping it.
        for (int i = 0; i < 300; i++) {
          CommandStream stream = CommandStream.start(MasterAddress.parse(master.address()),
              channels, new SslFiles(state.resolve("ssl")), NODE, run -> { }, line -> { });
          long until = System.nanoTime() + random.nextInt(3_000_000);
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          stream.close();
        }
      }
      Thread.sleep(200); // an exception thrown as a thread dies reaches the handler after join
      assertThat(uncaught).as("uncaught on the stream's thread (seed " + seed + ")").isEmpty();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
      master.close();
    }
  }
}
