package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stead job run} with a real master process and real agent daemons over mutual TLS on
 * loopback: a noop job shows the pending change and leaves the file alone, a real job repairs
 * it, a daemon killed mid-run is reported disconnected as it happens, and then offline.
 */
class JobEndToEndTest {
  @TempDir Path tmp;
  private MasterProcess master;

  private String said(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "";
    }
  }

  private void await(BooleanSupplier condition, String what, Path log) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; the daemon said:\n"
            + said(log));
      }
      Thread.sleep(50);
    }
  }

  private StepProcess daemon(String node, Path root, Path log, String fingerprint)
      throws Exception {
    StepProcess daemon = StepProcess.startLogged(log, "agent", "run", "--server",
        master.address, "--certname", node, "--state", tmp.resolve("state-" + node).toString(),
        "--root", root.toString(), "--ca-fingerprint", fingerprint, "--no-splay",
        "--no-watch", "--interval", "1h");
    await(() -> said(log).contains("run 1 ended"), node + "'s first run", log);
    await(() -> said(log).contains("subscribed to the master"), node + "'s stream", log);
    return daemon;
  }

  @Test
  void jobsRunConnectedNodesShowEachResultAndReportDroppedAndOfflineNodes() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"), ""
        + "node('web1.test') { file('/etc/motd') { content 'hello\\n' } }\n"
        + "node('web2.test') { file('/etc/motd') { content 'web2\\n' } }\n");
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    StepProcess web1 = null;
    StepProcess web2 = null;
    try {
      String fingerprint;
      try (var admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Path root1 = Files.createDirectories(tmp.resolve("root1/etc")).getParent();
      Path root2 = Files.createDirectories(tmp.resolve("root2/etc")).getParent();
      Path log1 = tmp.resolve("web1.log");
      Path log2 = tmp.resolve("web2.log");
      web1 = daemon("web1.test", root1, log1, fingerprint);
      web2 = daemon("web2.test", root2, log2, fingerprint);
      Path motd = root1.resolve("etc/motd");
      assertThat(motd).hasContent("hello");

      // Noop: the result names the pending change; the file is left as it is.
      Files.writeString(motd, "x\n");
      String noop = master.stead("job", "run", "--nodes", "web1*", "--noop", "--wait")
          .output();
      assertThat(noop).contains("1 node match 'web1*' (1 connected, 0 offline)")
          .contains("; noop").containsPattern("web1\\.test +triggered")
          .containsPattern("web1\\.test +reported +unchanged: changed 0, failed 0, drift 1,"
              + " pending 1, report [0-9a-f-]{36}")
          .contains("done: 1 reported, 0 offline, 0 busy, 0 disconnected, 0 timed out");
      assertThat(motd).hasContent("x");
      assertThat(said(log1)).contains("run requested by the master (job ")
          .contains(", noop)");

      // A real run repairs it; the report the master stored carries the job's id.
      String real = master.stead("job", "run", "--nodes", "web1.test", "--wait").output();
      assertThat(real).containsPattern("web1\\.test +reported +changed: changed 1, failed 0,"
          + " drift [01], report [0-9a-f-]{36}");
      assertThat(motd).hasContent("hello");
      String jobId = real.lines().findFirst().orElseThrow().split(" ")[1];
      String reportJson = master.stead("reports", "--node", "web1.test", "--json").output();
      assertThat(reportJson).contains("\"jobId\": \"" + jobId + "\"");

      // web2's daemon hangs (SIGSTOP) and is asked to run; killing it ends its stream, which
      // the job reports at once.
      new ProcessBuilder("kill", "-STOP", Long.toString(web2.pid())).inheritIO().start()
          .waitFor();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      StepProcess job = StepProcess.startEchoed(out, "", "job", "run", "--nodes", "web2.test",
          "--wait", "--timeout", "60s", "--data", master.data.toString());
      await(() -> bytes.toString(StandardCharsets.UTF_8).contains("triggered"),
          "web2 triggered", log2);
      long killed = System.nanoTime();
      ProcessHandle.of(web2.pid()).ifPresent(ProcessHandle::destroyForcibly);
      int exit = job.await(60);
      long toldMs = (System.nanoTime() - killed) / 1_000_000;
      String dropped = bytes.toString(StandardCharsets.UTF_8);
      System.out.println("job run: a killed daemon was reported disconnected " + toldMs
          + " ms after the kill");
      assertThat(dropped).as(said(log2)).containsPattern("web2\\.test +disconnected +its stream to the master"
          + " ended before it reported").contains("1 disconnected");
      assertThat(exit).as(dropped).isEqualTo(1);
      assertThat(toldMs).as("reported as it happens, not at the timeout").isLessThan(15_000);

      // Now web2 is offline: reported as such at once, never waited for.
      Cli all = master.steadMayFail("job", "run", "--nodes", "web*", "--wait");
      assertThat(all.exitCode()).as(all.toString()).isEqualTo(1);
      assertThat(all.output()).contains("2 nodes match 'web*' (1 connected, 1 offline)")
          .containsPattern("web2\\.test +offline +not connected to any master")
          .containsPattern("web1\\.test +reported +unchanged")
          .contains("done: 1 reported, 1 offline");
      String id = all.output().lines().findFirst().orElseThrow().split(" ")[1];
      assertThat(master.stead("job", "status", id).output()).contains("done")
          .containsPattern("web2\\.test +offline");
      assertThat(web1.stop(30)).isZero();
    } finally {
      for (StepProcess daemon : new StepProcess[] {web1, web2}) {
        if (daemon != null && daemon.isAlive()) {
          daemon.stop(5);
        }
      }
      master.close();
    }
  }
}
