package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.QueryReportsRequest;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunTrigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent daemon's watch between runs, with a real master and a real daemon process: a
 * file changed by hand is listed by {@code stead drift} within seconds (the time is printed;
 * the target is 2 s, the test fails above 10 s), repaired, and reported as {@code watch}; a
 * burst of 10,000 writes makes at most 3 checks and 3 reports.
 */
class WatchEndToEndTest {
  private static final Pattern WATCH_TRIGGER = Pattern.compile("\"trigger\":\\s*\"WATCH\"");
  @TempDir Path tmp;
  private MasterProcess master;
  private Path daemonLog;

  private Cli stead(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data", master.data.toString()));
    Cli cli = Cli.inThisJvm(all.toArray(String[]::new));
    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    return cli;
  }

  private String daemonSaid() throws Exception {
    return Files.readString(daemonLog, StandardCharsets.UTF_8);
  }

  private void await(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; the daemon said:\n"
            + daemonSaid());
      }
      Thread.sleep(50);
    }
  }

  private boolean daemonSays(String text) {
    try {
      return daemonSaid().contains(text);
    } catch (Exception e) {
      return false;
    }
  }

  private int watchReports() throws Exception {
    String json = stead("reports", "--node", "web1.test", "--json").output();
    Matcher m = WATCH_TRIGGER.matcher(json);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private Report watchReport() throws Exception {
    try (AdminClient admin = master.admin()) {
      return new FleetClient(admin).reports(QueryReportsRequest.newBuilder()
          .setNode("web1.test").setLimit(10).build()).stream()
          .filter(r -> r.getTrigger() == RunTrigger.WATCH).findFirst().orElseThrow();
    }
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  @Test
  void aChangeByHandIsListedWithinSecondsRepairedAndABurstIsFewChecks() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("site.groovy"),
        "node('web1.test') { file('/etc/motd') { content 'hello\\n' } }\n");
    master = MasterProcess.start(tmp.resolve("master"), code, "--autosign", "*.test");
    StepProcess daemon = null;
    try {
      String fingerprint;
      try (AdminClient admin = master.admin()) {
        fingerprint = admin.caFingerprint();
      }
      Path root = Files.createDirectories(tmp.resolve("root/etc")).getParent();
      Path motd = root.resolve("etc/motd");
      daemonLog = tmp.resolve("daemon.log");
      daemon = StepProcess.startLogged(daemonLog, "agent", "run", "--server", master.address,
          "--certname", "web1.test", "--state", tmp.resolve("state").toString(),
          "--root", root.toString(), "--ca-fingerprint", fingerprint, "--no-splay",
          "--interval", "1h");
      await(() -> daemonSays("run 1 ended"), "the first run");
      assertThat(daemonSaid()).contains("watching managed files between runs");
      assertThat(motd).hasContent("hello");

      // echo x > /etc/motd, then ask `stead drift` until it lists the change.
      long changed = System.nanoTime();
      long changedAtMs = System.currentTimeMillis();
      Files.writeString(motd, "x\n");
      List<String> drift;
      int asked = 0;
      while (true) {
        drift = stead("drift", "--since", "1h").output().lines().skip(1).toList();
        asked++;
        if (!drift.isEmpty() || System.nanoTime() - changed > 30_000_000_000L) {
          break;
        }
      }
      long listedMs = (System.nanoTime() - changed) / 1_000_000;
      Report watch = watchReport();
      System.out.println("watch latency: `echo x > managed-file` to `stead drift` listing it: "
          + listedMs + " ms (" + asked + " `stead drift` call" + (asked == 1 ? "" : "s")
          + "); the check started after " + (watch.getStartedAtMs() - changedAtMs)
          + " ms, the master stored its report after "
          + (watch.getReceivedAtMs() - changedAtMs) + " ms");
      assertThat(drift).as("stead drift after %d ms", listedMs).hasSize(1);
      assertThat(drift.get(0)).contains("file[/etc/motd]").contains("repaired");
      assertThat(listedMs).as("target 2 s; fails above 10 s").isLessThan(10_000);
      assertThat(motd).hasContent("hello");
      assertThat(stead("reports", "--node", "web1.test").output()).contains("watch")
          .contains("schedule");
      assertThat(watchReports()).isEqualTo(1);

      // The repair's own write is no change to check: no second check follows.
      Thread.sleep(1_500);
      assertThat(count(daemonSaid(), "watch check ")).isEqualTo(1);

      // A burst of 10,000 writes: at most 3 checks and 3 reports.
      long burst = System.nanoTime();
      for (int i = 0; i < 10_000; i++) {
        Files.writeString(motd, "burst " + i + "\n");
      }
      long burstMs = (System.nanoTime() - burst) / 1_000_000;
      await(() -> {
        try {
          return Files.readString(motd).equals("hello\n");
        } catch (Exception e) {
          return false;
        }
      }, "the repair after the burst");
      Thread.sleep(3_000); // a check still due after the burst happens in this time
      int checks = count(daemonSaid(), "watch check ") - 1;
      int reports = watchReports() - 1;
      System.out.println("watch burst: 10,000 writes in " + burstMs + " ms made " + checks
          + " checks and " + reports + " reports");
      assertThat(checks).isBetween(1, 3);
      assertThat(reports).isBetween(1, 3);
      assertThat(motd).hasContent("hello");
      assertThat(daemon.stop(30)).isZero();
    } finally {
      if (daemon != null && daemon.isAlive()) {
        daemon.stop(5);
      }
      master.close();
    }
  }
}
