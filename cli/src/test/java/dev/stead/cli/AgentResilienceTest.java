package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.AgentOptions;
import dev.stead.agent.AgentRun;
import dev.stead.agent.report.ReportSpool;
import dev.stead.agent.engine.Transaction;
import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.Report;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a real `stead master start` that dies: a report stored but never
 * acknowledged is sent again and kept once; while the master is down the cached catalog is
 * enforced; the daemon runs, answers `stead agent trigger` and stops on SIGTERM.
 */
class AgentResilienceTest {
  private static final String NODE = "resilient.test";
  @TempDir Path tmp;

  private Path code() throws Exception {
    Path code = tmp.resolve("code");
    Files.createDirectories(code);
    Files.writeString(code.resolve("site.groovy"), """
        node('resilient.test') {
            file('/etc/motd', content: 'managed\\n', mode: '0644')
        }
        """);
    Files.createDirectories(tmp.resolve("root/etc"));
    return code;
  }

  private int agent(MasterProcess master, String fingerprint, StringBuilder log,
      UnaryOperator<ReportSpool.Sender> decorator) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = new AgentRun(new AgentOptions(master.address, NODE, tmp.resolve("state"),
        tmp.resolve("root"), false, fingerprint, false, 0, true, Transaction.DEFAULT_TIMEOUT,
        null, false), decorator).runOnce(out, out);
    log.append(bytes.toString(StandardCharsets.UTF_8));
    return code;
  }

  private long spooled() throws Exception {
    Path spool = tmp.resolve("state/spool");
    if (!Files.isDirectory(spool)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(spool)) {
      return files.filter(p -> p.toString().endsWith(".pb")).count();
    }
  }

  @Test
  void masterKilledAfterStoringButBeforeAcknowledgingKeepsTheReportOnce() throws Exception {
    Path code = code();
    Path data = tmp.resolve("master");
    MasterProcess master = MasterProcess.start(data, code, "--autosign", "*.test");
    String fingerprint;
    try (AdminClient admin = master.admin()) {
      fingerprint = admin.caFingerprint();
    }
    StringBuilder log = new StringBuilder();
    AtomicReference<String> lostId = new AtomicReference<>();
    MasterProcess dying = master;
    // The master stores the report; then it is killed before the agent sees the reply.
    UnaryOperator<ReportSpool.Sender> killBeforeAck = real -> report -> {
      real.send(report);
      lostId.set(report.getId());
      try {
        dying.kill();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      throw Status.UNAVAILABLE.withDescription("master died before acknowledging")
          .asRuntimeException();
    };
    try {
      assertThat(agent(master, fingerprint, log, killBeforeAck)).as(log.toString())
          .isEqualTo(2);
      assertThat(master.isAlive()).isFalse();
      assertThat(log).contains("could not be delivered (UNAVAILABLE)");
      assertThat(spooled()).isEqualTo(1);

      // Master down: the cached catalog is enforced, its report waits in the spool too.
      Files.writeString(tmp.resolve("root/etc/motd"), "tampered\n");
      log.setLength(0);
      assertThat(agent(master, null, log, UnaryOperator.identity())).as(log.toString())
          .isEqualTo(2);
      assertThat(log).contains("enforcing the cached catalog");
      assertThat(tmp.resolve("root/etc/motd")).hasContent("managed");
      assertThat(spooled()).isEqualTo(2);
    } finally {
      master.close();
    }

    master = MasterProcess.start(data, code, "--autosign", "*.test");
    try {
      log.setLength(0);
      assertThat(agent(master, null, log, UnaryOperator.identity())).as(log.toString())
          .isZero();
      assertThat(log).contains("delivered 2 spooled reports");
      assertThat(spooled()).isZero();
      try (AdminClient admin = master.admin()) {
        List<Report> reports = new FleetClient(admin).latest(NODE, 100);
        assertThat(reports).extracting(Report::getId).doesNotHaveDuplicates().hasSize(3)
            .containsOnlyOnce(lostId.get());
        assertThat(reports).filteredOn(Report::getCachedCatalog).hasSize(1)
            .allSatisfy(r -> assertThat(r.getSummary().getDriftEvents()).isEqualTo(1));
      }
    } finally {
      master.close();
    }
  }

  @Test
  void daemonRunsAnswersTriggerAndStopsOnSigterm() throws Exception {
    Path code = code();
    try (MasterProcess master = MasterProcess.start(tmp.resolve("master"), code,
        "--autosign", "*.test")) {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Path state = tmp.resolve("state");
      Path log = tmp.resolve("daemon.log");
      StepProcess daemon = StepProcess.startLogged(log, "agent", "run", "--interval", "1h",
          "--no-splay", "--server", master.address, "--certname", NODE,
          "--state", state.toString(), "--root", tmp.resolve("root").toString(),
          "--ca-fingerprint", fingerprint);
      try {
        awaitLog(log, "run: 1 resources, 1 changed", 1);
        Cli trigger = Cli.run("agent", "trigger", "--state", state.toString());
        assertThat(trigger.exitCode()).as(trigger.toString()).isZero();
        assertThat(trigger.output()).contains("asked the agent daemon (pid " + daemon.pid());
        awaitLog(log, "run: 1 resources, 0 changed", 1);
        assertThat(Files.readString(log)).contains("run triggered on demand");
      } finally {
        assertThat(daemon.stop(30)).isZero();
      }
      assertThat(Files.readString(log)).contains("daemon stopped");
      assertThat(state.resolve("daemon.pid")).doesNotExist();
      assertThat(state.resolve("agent.lock")).doesNotExist();
      Cli trigger = Cli.run("agent", "trigger", "--state", state.toString());
      assertThat(trigger.exitCode()).isEqualTo(1);
      assertThat(trigger.output()).contains("no agent daemon is running");
    }
  }

  private static void awaitLog(Path log, String text, int count) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      String s = Files.exists(log) ? Files.readString(log) : "";
      if (s.split(Pattern.quote(text), -1).length - 1 >= count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("`" + text + "` not in the daemon's log:\n" + s);
      }
      Thread.sleep(50);
    }
  }
}
